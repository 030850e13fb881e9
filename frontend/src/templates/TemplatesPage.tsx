// Templates: every template as a card; download one as a file, import a file, delete a saved one.
import { useRef, useState, type ChangeEvent } from "react";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Loading, Notice, PageTitle } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { useAction } from "../admin/parts";
import { TemplateCard } from "./TemplateCard";
import { fileProblem, type Template } from "./templates";
import "./templates.css";

export function TemplatesPage() {
  const templates = useLoad(() => unwrap(api.GET("/api/templates")), []);
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  async function chosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    setNotice(null);
    await action.run(async () => {
      const problem = fileProblem(file);
      if (problem) throw new Error(problem);
      const text = await file.text();
      const saved = await unwrap(
        api.POST("/api/templates/import", {
          body: {},
          bodySerializer: () => text,
          headers: { "Content-Type": "application/json" },
        }),
      );
      setNotice(`Imported the template “${saved.name}”.`);
      templates.reload();
    });
  }

  async function remove(t: Template) {
    if (!window.confirm(`Delete the template “${t.name}”? Projects made from it stay.`)) return;
    setNotice(null);
    await action.run(async () => {
      await unwrap(
        api.DELETE("/api/templates/{template_id}", { params: { path: { template_id: t.id } } }),
      );
      setNotice(`Deleted the template “${t.name}”.`);
      templates.reload();
    });
  }

  return (
    <div className="templates-page">
      <PageTitle
        actions={
          <div className="template-import">
            <input
              ref={input}
              type="file"
              accept=".json,application/json"
              aria-label="Template file to import"
              hidden
              onChange={chosen}
            />
            <button type="button" className="primary" onClick={() => input.current?.click()}>
              Import template…
            </button>
          </div>
        }
      >
        Templates
      </PageTitle>
      <p className="muted">
        Start new projects from these. Save a project’s setup as a template from its Manage
        page; built-in templates cannot be deleted.
      </p>
      <ErrorMessage>{action.error ?? templates.error}</ErrorMessage>
      {notice ? <Notice>{notice}</Notice> : null}
      {templates.loading && !templates.data ? <Loading what="Loading templates" /> : null}
      <div className="template-grid">
        {templates.data?.map((t) => (
          <TemplateCard key={t.id} template={t}>
            <a
              className="button"
              href={`/api/templates/${encodeURIComponent(t.id)}/file`}
              download
            >
              Download
            </a>
            {t.builtin ? null : (
              <button type="button" className="danger" onClick={() => remove(t)}>
                Delete
              </button>
            )}
          </TemplateCard>
        ))}
      </div>
    </div>
  );
}
