/** A form whose submit runs an async action and shows its outcome (status for success, alert for failure). */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from './api.js';

export function ActionForm(props: { label: string; onSubmit: (data: FormData) => Promise<string | void>; children?: ComponentChildren; submit: string; danger?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      class="action"
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        setBusy(true);
        props
          .onSubmit(new FormData(form))
          .then(
            (text) => setOutcome({ ok: true, text: text || 'Done.' }),
            (err: unknown) => setOutcome({ ok: false, text: errorText(err) }),
          )
          .finally(() => setBusy(false));
      }}
    >
      <fieldset disabled={busy}>
        <legend>{props.label}</legend>
        {props.children}
        <button type="submit" class={props.danger ? 'danger' : ''}>
          {props.submit}
        </button>
      </fieldset>
      {outcome && (
        <p class={outcome.ok ? 'ok' : 'form-error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
    </form>
  );
}

/** A labelled input. */
export function Field(props: { label: string; name: string; type?: string; required?: boolean; placeholder?: string; value?: string; min?: number; max?: number }) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <input name={props.name} type={props.type ?? 'text'} required={props.required} placeholder={props.placeholder} value={props.value} min={props.min} max={props.max} />
    </label>
  );
}

/** A text field of `data` (trimmed; '' when absent). */
export function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value.trim() : '';
}
