// Your account: change your own password.
import { useState, type FormEvent } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { ErrorMessage, Notice, PageTitle } from "../components/ui";

export function AccountPage() {
  const { me } = useAuth();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    if (next !== repeat) {
      setError("The two new passwords differ.");
      return;
    }
    try {
      await unwrap(
        api.POST("/api/auth/password", {
          body: { current_password: current, new_password: next },
        }),
      );
      setError(null);
      setDone(true);
      setCurrent("");
      setNext("");
      setRepeat("");
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <>
      <PageTitle>Your account</PageTitle>
      <p>
        Signed in as <strong>{me?.username}</strong>
        {me?.is_admin ? " (administrator)" : ""}.
      </p>
      <form className="card narrow" onSubmit={submit}>
        <h2>Change password</h2>
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <label>
          New password again
          <input
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </label>
        <ErrorMessage>{error}</ErrorMessage>
        {done ? <Notice>Password changed. Your other sessions were signed out.</Notice> : null}
        <button type="submit" className="primary">
          Change password
        </button>
      </form>
    </>
  );
}
