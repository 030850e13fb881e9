// A project's members: add by username, change role, remove.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { ErrorMessage, Loading, Notice } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { ConfirmButton, useAction } from "./parts";

type Member = Schemas["MemberPublic"];
type Role = Schemas["MemberIn"]["role"];

export const ROLES: { value: Role; label: string; about: string }[] = [
  {
    value: "annotator",
    label: "Annotator",
    about: "segments and labels the audio assigned to them",
  },
  { value: "reviewer", label: "Reviewer", about: "sees every datapoint, accepts or corrects work" },
  { value: "manager", label: "Manager", about: "everything here: members, labels, upload, export" },
];

export function MembersTab({ projectId }: { projectId: number }) {
  const path = { params: { path: { project_id: projectId } } };
  const members = useLoad(
    () => unwrap(api.GET("/api/projects/{project_id}/members", path)),
    [projectId],
  );
  const [notice, setNotice] = useState<string | null>(null);
  const list = members.data ?? [];

  function replace(member: Member) {
    const others = list.filter((m) => m.user_id !== member.user_id);
    members.setData([...others, member].sort((a, b) => a.username.localeCompare(b.username)));
  }

  return (
    <>
      <AddMember
        projectId={projectId}
        members={list}
        onAdded={(m) => {
          replace(m);
          setNotice(`${m.username} is now ${m.role === "annotator" ? "an" : "a"} ${m.role}.`);
        }}
      />
      {notice ? <Notice>{notice}</Notice> : null}
      <ErrorMessage>{members.error}</ErrorMessage>
      {members.loading && !members.data ? <Loading what="Loading members" /> : null}
      <table className="stack members">
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((m) => (
            <MemberRow
              key={m.user_id}
              projectId={projectId}
              member={m}
              onChanged={(next) => {
                replace(next);
                setNotice(
                  `${next.username} is now ${next.role === "annotator" ? "an" : "a"} ${next.role}.`,
                );
              }}
              onRemoved={() => {
                members.setData(list.filter((x) => x.user_id !== m.user_id));
                setNotice(`Removed ${m.username} from the project.`);
              }}
            />
          ))}
          {members.data && list.length === 0 ? (
            <tr>
              <td colSpan={3} className="empty">
                No members yet. Add annotators above so work can be assigned to them.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <p className="hint">
        Roles: {ROLES.map((r) => `${r.label.toLowerCase()} ${r.about}`).join("; ")}. Administrators
        can manage every project without being members.
      </p>
    </>
  );
}

function AddMember(props: { projectId: number; members: Member[]; onAdded(m: Member): void }) {
  const { projectId, members, onAdded } = props;
  const { me } = useAuth();
  const admin = !!me?.is_admin;
  const users = useLoad(
    () => (admin ? unwrap(api.GET("/api/users")) : Promise.resolve(null)),
    [admin],
  );
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("annotator");
  const action = useAction();
  const taken = new Set(members.map((m) => m.user_id));
  const candidates = (users.data ?? []).filter((u) => u.is_active && !taken.has(u.id));
  // Admins pick from every user (the select is there at once, enabled once loaded); managers,
  // who may not list users, type the name. A failed list falls back to typing.
  const pick = admin && !users.error;
  const loadingUsers = pick && !users.data;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    if (!name) return;
    let added: Member | null = null;
    const ok = await action.run(async () => {
      added = await unwrap(
        api.POST("/api/projects/{project_id}/members", {
          params: { path: { project_id: projectId } },
          body: { username: name, role },
        }),
      );
    });
    if (ok && added) {
      onAdded(added);
      setUsername("");
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-label="Add member">
      <h2>Add a member</h2>
      <div className="form-row">
        <label>
          Username
          {pick ? (
            <select
              value={username}
              disabled={loadingUsers}
              onChange={(e) => setUsername(e.target.value)}
            >
              <option value="">
                {loadingUsers
                  ? "Loading users…"
                  : candidates.length
                    ? "Choose a user…"
                    : "Everyone is a member"}
              </option>
              {candidates.map((u) => (
                <option key={u.id} value={u.username}>
                  {u.username}
                </option>
              ))}
            </select>
          ) : (
            <input
              value={username}
              autoComplete="off"
              onChange={(e) => setUsername(e.target.value)}
            />
          )}
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={action.busy || !username.trim()}>
          {action.busy ? "Adding…" : "Add member"}
        </button>
      </div>
      {admin ? (
        <p className="hint">
          Someone new? Create their account on the <Link to="/admin/users">Users</Link> page first.
        </p>
      ) : null}
      <ErrorMessage>{action.error ?? users.error}</ErrorMessage>
    </form>
  );
}

function MemberRow(props: {
  projectId: number;
  member: Member;
  onChanged(m: Member): void;
  onRemoved(): void;
}) {
  const { projectId, member: m, onChanged, onRemoved } = props;
  const action = useAction();
  const path = { params: { path: { project_id: projectId, user_id: m.user_id } } };
  return (
    <tr data-member={m.username}>
      <td data-title="Member">
        <strong>{m.username}</strong>
        {!m.is_active ? <span className="pill off">Deactivated</span> : null}
      </td>
      <td data-title="Role">
        <select
          aria-label={`${m.username}’s membership`}
          value={m.role}
          disabled={action.busy}
          onChange={(e) => {
            const role = e.target.value as Role;
            void action.run(async () =>
              onChanged(
                await unwrap(
                  api.PATCH("/api/projects/{project_id}/members/{user_id}", {
                    ...path,
                    body: { role },
                  }),
                ),
              ),
            );
          }}
        >
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </td>
      <td className="row-actions">
        <ConfirmButton
          question={`Remove ${m.username}? They lose access; their work stays.`}
          confirm="Remove"
          disabled={action.busy}
          onConfirm={() =>
            action.run(async () => {
              await unwrap(api.DELETE("/api/projects/{project_id}/members/{user_id}", path));
              onRemoved();
            })
          }
        >
          Remove
        </ConfirmButton>
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}
