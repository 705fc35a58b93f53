export function printSummary() {}
