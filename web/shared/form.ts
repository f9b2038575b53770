import { useState } from 'preact/hooks';
import { ApiError } from './api';

/**
 * A form's sending state: busy, the problem the server sent and its field errors by JSON pointer
 * (shown next to the field), or the client's own checks through setFields before sending.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await action();
      setFields({});
      setDone(true);
      return true;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(e);
      setFields(e.fields());
      return false;
    } finally {
      setBusy(false);
    }
  }
  /** Client-side checks: returns true when there is nothing to complain about. */
  function check(found: Record<string, string>): boolean {
    setFields(found);
    setError(undefined);
    return Object.keys(found).length === 0;
  }
  return { busy, error, fields, done, run, check, setDone };
}

/** Value of an input event's target. */
export const val = (e: Event): string => (e.target as HTMLInputElement).value;
