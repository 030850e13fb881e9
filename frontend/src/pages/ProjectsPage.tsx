// My projects: the projects I belong to, with my counts and a way straight into work.
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, errorMessage, unwrap, type Schemas } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { ErrorMessage, Loading, PageTitle } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { nextInQueue } from "./queue";
import { statusInSentence } from "../components/status";
import { NewProjectForm } from "../templates/NewProjectForm";

type Project = Schemas["ProjectPublic"];

export function ProjectsPage() {
  const { me } = useAuth();
  const projects = useLoad(() => unwrap(api.GET("/api/projects")), []);
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageTitle
        actions={
          me?.is_admin ? (
            <button type="button" className="primary" onClick={() => setCreating(true)}>
              New project
            </button>
          ) : null
        }
      >
        Projects
      </PageTitle>
      {creating ? <NewProjectForm onCancel={() => setCreating(false)} /> : null}
      <ErrorMessage>{projects.error}</ErrorMessage>
      {projects.loading && !projects.data ? <Loading what="Loading projects" /> : null}
      {projects.data && projects.data.length === 0 ? (
        <div className="card empty">
          {me?.is_admin
            ? "No projects yet. Create one to upload audio and define labels."
            : "You are not a member of any project yet. Ask a project manager to add you."}
        </div>
      ) : null}
      <div className="project-grid">
        {projects.data?.map((p) => <ProjectCard key={p.id} project={p} />)}
      </div>
    </>
  );
}

function ProjectCard({ project }: { project: Project }) {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const c = project.counts;
  const manages = project.role === "manager" || project.role === "admin";

  async function start() {
    try {
      const id = await nextInQueue(project.id);
      if (id === null) setError("Nothing left in your queue in this project.");
      else navigate(`/datapoints/${id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <article className="card project" data-project={project.name}>
      <h2>
        <Link to={`/projects/${project.id}`}>{project.name}</Link>
      </h2>
      {project.description ? <p className="muted">{project.description}</p> : null}
      <div className="counts">
        <span>
          <strong>{c.todo}</strong> {statusInSentence("todo")}
        </span>
        <span>
          <strong>{c.in_progress}</strong> {statusInSentence("in_progress")}
        </span>
        <span>
          <strong>{c.done}</strong> {statusInSentence("done")}
        </span>
        <span>
          <strong>{c.marked_for_review}</strong> for review
        </span>
      </div>
      <div className="role">Your role: {project.role}</div>
      <ErrorMessage>{error}</ErrorMessage>
      <div className="actions">
        <button type="button" className="primary" onClick={start}>
          Start annotating
        </button>
        <Link className="button" to={`/projects/${project.id}`}>
          Data
        </Link>
        {manages ? (
          <Link className="button" to={`/projects/${project.id}/manage`}>
            Manage
          </Link>
        ) : null}
      </div>
    </article>
  );
}
