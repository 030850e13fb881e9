// User administration: create, admin flag, deactivate/reactivate, reset password, delete.
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { ErrorMessage, Loading, Notice, PageTitle } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { NewUserForm } from "./NewUserForm";
import { ConfirmButton, OneTimeSecret, formatDate, useAction } from "./parts";
import { plural } from "./plural";
import "./admin.css";

type User = Schemas["UserPublic"];

interface Secret {
  title: string;
  secret: string;
}

export function UsersPage() {
  const { me, refresh } = useAuth();
  const admin = !!me?.is_admin;
  const users = useLoad(
    () => (admin ? unwrap(api.GET("/api/users")) : Promise.resolve([])),
    [admin],
  );
  const [secret, setSecret] = useState<Secret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [query, setQuery] = useState("");

  if (me && !me.is_admin) {
    return (
      <>
        <PageTitle>Users</PageTitle>
        <ErrorMessage>Only administrators can manage users.</ErrorMessage>
      </>
    );
  }

  const list = (users.data ?? []).filter((u) =>
    u.username.toLowerCase().includes(query.trim().toLowerCase()),
  );

  function changed(user: User, text: string) {
    if (users.data) users.setData(users.data.map((u) => (u.id === user.id ? user : u)));
    setNotice(text);
    // Giving up your own admin rights changes what this browser may show.
    if (user.id === me?.id && !user.is_admin) void refresh();
  }

  return (
    <div className="admin">
      <PageTitle>Users</PageTitle>
      <NewUserForm
        onCreated={(user) => {
          users.setData([...(users.data ?? []), user]);
          setNotice(`Created ${user.username}.`);
          setSecret(
            user.generated_password
              ? { title: `Password for ${user.username}`, secret: user.generated_password }
              : null,
          );
        }}
      />
      {secret ? (
        <OneTimeSecret title={secret.title} secret={secret.secret} onDone={() => setSecret(null)} />
      ) : null}
      {notice ? <Notice>{notice}</Notice> : null}
      <ErrorMessage>{users.error}</ErrorMessage>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Find a user"
          placeholder="Find a user"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <span className="muted">
          {users.data
            ? `${plural(users.data.length, "user")}, ${users.data.filter((u) => u.is_active).length} active`
            : null}
        </span>
      </div>
      {users.loading && !users.data ? <Loading what="Loading users" /> : null}
      <table className="stack users">
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>Status</th>
            <th>Created</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((u) => (
            <UserRow
              key={u.id}
              user={u}
              isMe={u.id === me?.id}
              onChanged={changed}
              onDeleted={() => {
                users.setData((users.data ?? []).filter((x) => x.id !== u.id));
                setNotice(`Deleted ${u.username}.`);
              }}
              onPassword={(password) =>
                setSecret({ title: `New password for ${u.username}`, secret: password })
              }
            />
          ))}
          {users.data && list.length === 0 ? (
            <tr>
              <td colSpan={5} className="empty">
                No user matches.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function UserRow(props: {
  user: User;
  isMe: boolean;
  onChanged(user: User, text: string): void;
  onDeleted(): void;
  onPassword(password: string): void;
}) {
  const { user, isMe, onChanged, onDeleted, onPassword } = props;
  const action = useAction();
  const id = { params: { path: { user_id: user.id } } };

  const patch = (body: Schemas["UserUpdate"], text: string) =>
    action.run(async () => {
      const updated = await unwrap(api.PATCH("/api/users/{user_id}", { ...id, body }));
      onChanged(updated, text);
    });

  return (
    <tr data-user={user.username} className={user.is_active ? undefined : "inactive"}>
      <td data-title="User">
        <strong>{user.username}</strong>
        {isMe ? <span className="muted"> (you)</span> : null}
      </td>
      <td data-title="Role">
        <span className={user.is_admin ? "pill admin-pill" : "pill"}>
          {user.is_admin ? "Admin" : "User"}
        </span>
      </td>
      <td data-title="Status">
        <span className={user.is_active ? "pill ok" : "pill off"}>
          {user.is_active ? "Active" : "Deactivated"}
        </span>
      </td>
      <td data-title="Created">{formatDate(user.created_at)}</td>
      <td className="row-actions">
        <div className="actions">
          {user.is_admin ? (
            <ConfirmButton
              className=""
              question={
                isMe
                  ? "Remove your own admin rights?"
                  : `Remove admin rights from ${user.username}?`
              }
              confirm="Remove admin"
              disabled={action.busy}
              onConfirm={() =>
                patch({ is_admin: false }, `${user.username} is no longer an admin.`)
              }
            >
              Remove admin
            </ConfirmButton>
          ) : (
            <button
              type="button"
              disabled={action.busy}
              onClick={() => patch({ is_admin: true }, `${user.username} is now an admin.`)}
            >
              Make admin
            </button>
          )}
          {user.is_active ? (
            <ConfirmButton
              question={`Deactivate ${user.username}? They are logged out at once.`}
              confirm="Deactivate"
              disabled={action.busy || isMe}
              title={isMe ? "You cannot deactivate yourself" : undefined}
              onConfirm={() => patch({ is_active: false }, `${user.username} is deactivated.`)}
            >
              Deactivate
            </ConfirmButton>
          ) : (
            <button
              type="button"
              disabled={action.busy}
              onClick={() => patch({ is_active: true }, `${user.username} is active again.`)}
            >
              Reactivate
            </button>
          )}
          <ConfirmButton
            className=""
            question={`Give ${user.username} a new password? Their sessions end.`}
            confirm="Reset password"
            disabled={action.busy}
            onConfirm={() =>
              action.run(async () => {
                const out = await unwrap(
                  api.POST("/api/users/{user_id}/password", { ...id, body: {} }),
                );
                if (out.generated_password) onPassword(out.generated_password);
              })
            }
          >
            Reset password
          </ConfirmButton>
          <ConfirmButton
            question={`Delete ${user.username} for good? Deactivating keeps their work attributed.`}
            confirm="Delete user"
            disabled={action.busy || isMe}
            title={isMe ? "You cannot delete yourself" : undefined}
            onConfirm={() =>
              action.run(async () => {
                await unwrap(api.DELETE("/api/users/{user_id}", id));
                onDeleted();
              })
            }
          >
            Delete
          </ConfirmButton>
        </div>
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}
