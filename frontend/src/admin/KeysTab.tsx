// Project API keys for scripts: issue with a scope (shown once), list, revoke.
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage, Loading } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { ConfirmButton, CopyButton, OneTimeSecret, formatDate, useAction } from "./parts";

type Key = Schemas["ProjectKeyOut"];
type NewKey = Schemas["NewProjectKeyOut"];
type Scope = Schemas["ApiKeyScope"];

export const SCOPES: { value: Scope; label: string; help: string }[] = [
  { value: "upload", label: "Upload", help: "adds audio; cannot read, export or change anything" },
  { value: "export", label: "Export", help: "reads everything and exports; changes nothing" },
  { value: "manage", label: "Manage", help: "does everything a project manager can" },
];

function scopeLabel(scope: Scope): string {
  return SCOPES.find((s) => s.value === scope)?.label ?? scope;
}

export function uploadCommand(origin: string, projectId: number, key: string): string {
  return `curl -H "Authorization: Bearer ${key}" -F file=@recording.wav ${origin}/api/projects/${projectId}/datapoints`;
}

export function exportCommand(origin: string, projectId: number, key: string): string {
  return `curl -H "Authorization: Bearer ${key}" -o export.zip "${origin}/api/projects/${projectId}/export?format=audino"`;
}

export function KeysTab({ projectId }: { projectId: number }) {
  const path = { params: { path: { project_id: projectId } } };
  const keys = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}/api-keys", path)),
    [projectId],
  );
  const [name, setName] = useState("");
  const [scope, setScope] = useState<Scope>("upload");
  const [issued, setIssued] = useState<NewKey | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const action = useAction();
  const all = keys.data ?? [];
  const list = all.filter((k) => showRevoked || !k.revoked_at).sort((a, b) => b.id - a.id);
  const revokedCount = all.filter((k) => k.revoked_at).length;

  async function issue(event: FormEvent) {
    event.preventDefault();
    await action.run(async () => {
      const key = await unwrap(
        api.POST("/api/projects/{project_id}/api-keys", {
          ...path,
          body: { name: name.trim(), scope },
        }),
      );
      setIssued(key);
      setName("");
      setScope("upload");
      keys.setData([...all, key]);
    });
  }

  function command(key: NewKey): string {
    const make = key.scope === "export" ? exportCommand : uploadCommand;
    return make(window.location.origin, projectId, key.key);
  }

  function revoked(key: Key) {
    keys.setData(
      all.map((k) => (k.id === key.id ? { ...k, revoked_at: new Date().toISOString() } : k)),
    );
  }

  return (
    <>
      <form className="card" onSubmit={issue} aria-label="New API key">
        <h2>New API key</h2>
        <p className="muted">
          A project key lets a script or a recorder work in this project without a user’s password,
          within its scope only.
        </p>
        <div className="form-row">
          <label>
            Key name
            <input
              value={name}
              maxLength={200}
              placeholder="e.g. field recorder"
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <label>
            Scope
            <select
              value={scope}
              aria-describedby="key-scope-help"
              onChange={(e) => setScope(e.target.value as Scope)}
            >
              {SCOPES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" disabled={action.busy}>
            {action.busy ? "Issuing…" : "Issue key"}
          </button>
        </div>
        <p className="hint" id="key-scope-help">
          {scopeLabel(scope)}: {SCOPES.find((s) => s.value === scope)?.help}.
        </p>
        <ErrorMessage>{action.error}</ErrorMessage>
      </form>
      {issued ? (
        <OneTimeSecret
          title={`API key${issued.name ? ` “${issued.name}”` : ""}`}
          secret={issued.key}
          onDone={() => setIssued(null)}
        >
          <p>{issued.scope === "export" ? "Export the project with it:" : "Upload a file with it:"}</p>
          <div className="secret-row">
            <pre className="command">{command(issued)}</pre>
            <CopyButton text={command(issued)} label="Copy command" />
          </div>
          {issued.scope === "export" ? (
            <p className="hint">
              Change <code>format=audino</code> to any export format.
            </p>
          ) : (
            <p className="hint">
              Add <code>-F assign_to=alice,bob</code> to assign the file, repeat{" "}
              <code>-F file=@…</code> for several files.
            </p>
          )}
        </OneTimeSecret>
      ) : null}
      <ErrorMessage>{keys.error}</ErrorMessage>
      {keys.loading && !keys.data ? <Loading what="Loading keys" /> : null}
      <table className="stack keys">
        <thead>
          <tr>
            <th>Name</th>
            <th>Starts with</th>
            <th>Scope</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Status</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((k) => (
            <KeyRow key={k.id} projectId={projectId} apiKey={k} onRevoked={() => revoked(k)} />
          ))}
          {keys.data && list.length === 0 ? (
            <tr>
              <td colSpan={7} className="empty">
                No keys yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {revokedCount > 0 ? (
        <label className="inline checkbox show-revoked">
          <input
            type="checkbox"
            checked={showRevoked}
            onChange={(e) => setShowRevoked(e.target.checked)}
          />
          Show {revokedCount} revoked key{revokedCount === 1 ? "" : "s"}
        </label>
      ) : null}
    </>
  );
}

function KeyRow({
  projectId,
  apiKey: k,
  onRevoked,
}: {
  projectId: number;
  apiKey: Key;
  onRevoked(): void;
}) {
  const action = useAction();
  return (
    <tr data-key={k.name} className={k.revoked_at ? "inactive" : undefined}>
      <td data-title="Name">{k.name || <span className="muted">(no name)</span>}</td>
      <td data-title="Starts with">
        <code>{k.prefix}…</code>
      </td>
      <td data-title="Scope" title={SCOPES.find((s) => s.value === k.scope)?.help}>
        {scopeLabel(k.scope)}
      </td>
      <td data-title="Created">{formatDate(k.created_at)}</td>
      <td data-title="Last used">{k.last_used_at ? formatDate(k.last_used_at) : "–"}</td>
      <td data-title="Status">
        {k.revoked_at ? (
          <span className="pill off">Revoked {formatDate(k.revoked_at)}</span>
        ) : (
          <span className="pill ok">Active</span>
        )}
      </td>
      <td className="row-actions">
        {!k.revoked_at ? (
          <ConfirmButton
            label={`Revoke ${k.name || k.prefix}`}
            question="Revoke this key? Scripts using it stop working at once."
            confirm="Revoke"
            onConfirm={() =>
              action.run(async () => {
                await unwrap(
                  api.DELETE("/api/projects/{project_id}/api-keys/{key_id}", {
                    params: { path: { project_id: projectId, key_id: k.id } },
                  }),
                );
                onRevoked();
              })
            }
          >
            Revoke
          </ConfirmButton>
        ) : null}
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}
