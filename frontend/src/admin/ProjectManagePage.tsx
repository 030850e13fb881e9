// Managing one project: a tab per concern, each its own sub-route under /manage.
import { Link, NavLink, Navigate, Route, Routes, useParams } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Loading, PageTitle } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { AssignTab } from "./AssignTab";
import { ExportTab } from "./ExportTab";
import { JobsTab } from "./JobsTab";
import { KeysTab } from "./KeysTab";
import { readKeymap } from "./keymap";
import { LabelsTab } from "./LabelsTab";
import { MembersTab } from "./MembersTab";
import { SettingsTab } from "./SettingsTab";
import { UploadTab } from "./UploadTab";
import { SaveAsTemplateTab } from "../templates/SaveAsTemplateTab";
import "./admin.css";

const TABS = [
  { path: "", label: "Settings" },
  { path: "members", label: "Members" },
  { path: "labels", label: "Labels" },
  { path: "upload", label: "Upload" },
  { path: "assign", label: "Assign" },
  { path: "keys", label: "API keys" },
  { path: "export", label: "Export" },
  { path: "jobs", label: "Jobs" },
  { path: "template", label: "Template" },
];

export function ProjectManagePage() {
  const projectId = Number(useParams().projectId);
  const project = useLoad(
    () =>
      unwrap(
        api.GET("/api/projects/{project_id}", { params: { path: { project_id: projectId } } }),
      ),
    [projectId],
  );
  const base = `/projects/${projectId}/manage`;
  const p = project.data;
  const manages = p?.role === "manager" || p?.role === "admin";

  return (
    <div className="admin manage">
      <PageTitle
        actions={
          <Link className="button" to={`/projects/${projectId}`}>
            ← Data list
          </Link>
        }
      >
        {p ? (
          <>
            <span className="muted">Manage</span> {p.name}
          </>
        ) : (
          "Manage project"
        )}
      </PageTitle>
      <ErrorMessage>{project.error}</ErrorMessage>
      {project.loading && !p ? <Loading what="Loading project" /> : null}
      {p && !manages ? (
        <ErrorMessage>Only the project’s managers and administrators can manage it.</ErrorMessage>
      ) : null}
      {p && manages ? (
        <>
          <nav className="tabs" aria-label="Project management">
            {TABS.map((t) => (
              <NavLink
                key={t.path}
                to={t.path ? `${base}/${t.path}` : base}
                end
                className={({ isActive }) => (isActive ? "tab active" : "tab")}
              >
                {t.label}
              </NavLink>
            ))}
          </nav>
          <Routes>
            <Route index element={<SettingsTab project={p} onSaved={project.setData} />} />
            <Route path="members" element={<MembersTab projectId={projectId} />} />
            <Route
              path="labels"
              element={<LabelsTab projectId={projectId} keymap={readKeymap(p.settings)} />}
            />
            <Route path="upload" element={<UploadTab projectId={projectId} />} />
            <Route path="assign" element={<AssignTab projectId={projectId} />} />
            <Route path="keys" element={<KeysTab projectId={projectId} />} />
            <Route path="export" element={<ExportTab projectId={projectId} />} />
            <Route path="jobs" element={<JobsTab projectId={projectId} />} />
            <Route path="template" element={<SaveAsTemplateTab project={p} />} />
            <Route path="*" element={<Navigate to={base} replace />} />
          </Routes>
        </>
      ) : null}
    </div>
  );
}
