export async function slowPair() { throw new Error('todo'); }
export async function capacitySearch() { throw new Error('todo'); }
export async function workersPair() { throw new Error('todo'); }
export async function suite() { throw new Error('todo'); }
