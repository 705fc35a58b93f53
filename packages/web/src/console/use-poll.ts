/** Run `load` now and every `everyMs` while the component is shown; the result and the last error. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api.js';

export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[]): { data: T | undefined; error: string; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState('');
  const live = useRef(true);
  const run = useCallback(() => {
    load().then(
      (value) => {
        if (!live.current) return;
        setData(value);
        setError('');
      },
      (e: unknown) => live.current && setError(errorText(e)),
    );
  }, deps);
  useEffect(() => {
    live.current = true;
    run();
    const timer = everyMs > 0 ? setInterval(run, everyMs) : undefined;
    return () => {
      live.current = false;
      if (timer) clearInterval(timer);
    };
  }, [run, everyMs]);
  return { data, error, reload: run };
}
