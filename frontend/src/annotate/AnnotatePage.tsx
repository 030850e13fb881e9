// The annotation page: opens the editor on a datapoint, on one's own work or, for a reviewer
// (?review=<user id>), on someone else's; a reviewer who names nobody is sent on to the work
// waiting there.
import { useEffect } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";
import { ErrorMessage, Loading } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { reviewParam } from "../review/reviewTarget";
import { loadEditor } from "./loadEditor";
import { Workspace } from "./Workspace";
import "./annotate.css";
import "../review/review.css";

export type { Loaded, Siblings } from "./loadEditor";

export function AnnotatePage() {
  const datapointId = Number(useParams().datapointId);
  const [params, setParams] = useSearchParams();
  const reviewing = reviewParam(params.get("review"));
  const { me } = useAuth();
  const userId = me?.id ?? null;
  const username = me?.username ?? "";
  const opened = useLoad(
    () => loadEditor(datapointId, userId === null ? null : { id: userId, username }, reviewing),
    [datapointId, userId, username, reviewing],
  );
  const redirect = opened.data?.kind === "redirect" ? opened.data.review : undefined;

  useEffect(() => {
    if (redirect === undefined) return;
    const next = new URLSearchParams(params);
    if (redirect === null) next.delete("review");
    else next.set("review", String(redirect));
    setParams(next, { replace: true });
  }, [redirect, params, setParams]);

  if (opened.error) {
    return (
      <div className="annotate-error">
        <ErrorMessage>{opened.error}</ErrorMessage>
        <p>
          <button type="button" onClick={opened.reload}>
            Try again
          </button>{" "}
          <Link to="/">Back to the projects</Link>
        </p>
      </div>
    );
  }
  const data = opened.data?.kind === "editor" ? opened.data.data : null;
  if (!data || data.datapoint.id !== datapointId || (data.review?.user.id ?? null) !== reviewing) {
    return <Loading what="Opening the recording" />;
  }
  return <Workspace key={`${datapointId}:${reviewing ?? "own"}`} data={data} />;
}
