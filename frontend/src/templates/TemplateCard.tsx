// One template as a card: its name, what it is for, its labels as coloured chips (with their
// hotkeys) and the exports it suggests. Selectable in the picker; with actions on the list page.
import type { ReactNode } from "react";
import { hiddenChips, inkOn, labelChips, quickModeText, type Template } from "./templates";

export function LabelChips({ template }: { template: Template }) {
  const chips = labelChips(template.labels);
  const more = hiddenChips(template.labels);
  return (
    <ul className="template-chips" aria-label={`Labels of ${template.name}`}>
      {chips.map((c) => (
        <li
          key={c.key}
          className="template-chip"
          title={c.title}
          data-color={c.color ?? ""}
          style={c.color ? { background: c.color, color: inkOn(c.color) } : undefined}
        >
          {c.text}
          {c.hotkey ? <kbd>{c.hotkey}</kbd> : null}
        </li>
      ))}
      {more ? <li className="template-chip more">+{more} more</li> : null}
    </ul>
  );
}

export function TemplateCard({
  template,
  selected,
  onSelect,
  children,
}: {
  template: Template;
  selected?: boolean;
  onSelect?(): void;
  children?: ReactNode;
}) {
  const quick = quickModeText(template.settings);
  const title = (
    <>
      {template.name}
      {template.builtin ? null : <span className="template-badge">saved</span>}
    </>
  );
  return (
    <article
      className={selected ? "card template selected" : "card template"}
      data-template={template.id}
      onClick={onSelect}
    >
      <h3>
        {onSelect ? (
          <label className="inline">
            <input
              type="radio"
              name="template"
              value={template.id}
              checked={selected ?? false}
              onChange={onSelect}
            />{" "}
            {title}
          </label>
        ) : (
          title
        )}
      </h3>
      {template.summary ? <p className="muted">{template.summary}</p> : null}
      <LabelChips template={template} />
      {quick ? <p className="template-meta">{quick}</p> : null}
      {template.exports.length ? (
        <p className="template-meta">Suggested exports: {template.exports.join(", ")}</p>
      ) : null}
      {children ? <div className="actions">{children}</div> : null}
    </article>
  );
}
