/** An app's word lists (stadium_admin get_word_lists / set_word_list / delete_word_list). */
import { rest } from './api.js';
import { ActionForm, Field, text } from './action.js';
import { href } from './use-hash.js';
import { usePoll } from './use-poll.js';

interface WordListRow {
  Name: string;
  Action: string;
  WordCount: number;
  UpdatedAt: number;
  Words: string[];
}

export function WordsPage(props: { sdkAppId: number }) {
  const { sdkAppId } = props;
  const lists = usePoll(() => rest<{ WordLists: WordListRow[] }>(sdkAppId, 'stadium_admin/get_word_lists', { WithWords: 1 }), 0, [sdkAppId]);
  return (
    <section>
      <p class="crumbs">
        <a href={href('apps')}>Apps</a> / <a href={href('apps', sdkAppId)}>{sdkAppId}</a> / word lists
      </p>
      <h1>Word lists</h1>
      {lists.error && <p class="form-error">{lists.error}</p>}
      <table class="list" aria-label="Word lists">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Action</th>
            <th scope="col">Words</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {(lists.data?.WordLists ?? []).map((l) => (
            <tr key={l.Name}>
              <td>{l.Name}</td>
              <td>{l.Action}</td>
              <td title={l.Words.join(', ')}>{l.WordCount}</td>
              <td>
                <button type="button" class="danger" onClick={() => void rest(sdkAppId, 'stadium_admin/delete_word_list', { Name: l.Name }).then(lists.reload, lists.reload)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ActionForm
        label="Set a word list"
        submit="Save list"
        onSubmit={async (form) => {
          const raw = form.get('words');
          const words = (typeof raw === 'string' ? raw : '')
            .split(/\r?\n/)
            .map((w) => w.trim())
            .filter((w) => w !== '');
          const answer = await rest<{ WordCount: number }>(sdkAppId, 'stadium_admin/set_word_list', { Name: text(form, 'name'), Action: text(form, 'action'), Words: words });
          lists.reload();
          return `Saved ${answer.WordCount} words.`;
        }}
      >
        <Field label="Name" name="name" required />
        <label class="field">
          <span>Action</span>
          <select name="action">
            <option value="mask">mask (send as ***)</option>
            <option value="reject">reject</option>
          </select>
        </label>
        <label class="field">
          <span>Words, one per line</span>
          <textarea name="words" rows={6} required />
        </label>
      </ActionForm>
    </section>
  );
}
