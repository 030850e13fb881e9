// Creating a user with a chosen password or one the server generates (shown once).
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage } from "../components/ui";
import { FieldError, useAction } from "./parts";

type UserCreated = Schemas["UserCreated"];

export function NewUserForm({ onCreated }: { onCreated(user: UserCreated): void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const action = useAction();
  const usernameError = action.code === "bad_username" || action.code === "username_taken";

  async function submit(event: FormEvent) {
    event.preventDefault();
    let created: UserCreated | null = null;
    const ok = await action.run(async () => {
      created = await unwrap(
        api.POST("/api/users", {
          body: { username: username.trim(), password: password || null, is_admin: isAdmin },
        }),
      );
    });
    if (ok && created) {
      onCreated(created);
      setUsername("");
      setPassword("");
      setIsAdmin(false);
    }
  }

  return (
    <form className="card new-user" onSubmit={submit} aria-label="New user">
      <h2>New user</h2>
      <div className="form-row">
        <label>
          Username
          <input
            name="username"
            autoComplete="off"
            value={username}
            required
            maxLength={150}
            aria-invalid={usernameError || undefined}
            aria-describedby={usernameError ? "new-user-error" : undefined}
            onChange={(e) => setUsername(e.target.value)}
          />
          <FieldError id="new-user-error">{usernameError ? action.error : null}</FieldError>
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            aria-describedby="new-user-password-hint"
            onChange={(e) => setPassword(e.target.value)}
          />
          <span className="hint" id="new-user-password-hint">
            Leave empty to generate one.
          </span>
        </label>
        <label className="inline checkbox">
          <input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} />
          Administrator
        </label>
        <button type="submit" className="primary" disabled={action.busy || !username.trim()}>
          {action.busy ? "Creating…" : "Create user"}
        </button>
      </div>
      {!usernameError ? <ErrorMessage>{action.error}</ErrorMessage> : null}
    </form>
  );
}
