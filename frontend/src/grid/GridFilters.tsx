// The grid's and list's filters: an item label's value, a metadata field, duration, text.
import { useEffect, useState } from "react";
import type { Schemas } from "../api/client";
import { LabelValueOptions } from "./LabelValueOptions";
import type { FilterKey, Filters } from "./cards";

type Label = Schemas["LabelPublic"];
type Member = Schemas["MemberPublic"];

export function GridFilters(props: {
  labels: Label[];
  /** Whose work to show: offered to those who see everyone's (empty for annotators). */
  members: Member[];
  filters: Filters;
  onChange(changes: Partial<Record<FilterKey, string | null>>): void;
}) {
  const { labels, members, filters, onChange } = props;
  const [draft, setDraft] = useState<Filters>(filters);
  useEffect(() => setDraft(filters), [filters]);
  const itemLabels = labels.filter((l) => l.scope === "datapoint");
  const label = itemLabels.find((l) => l.name === filters.label || String(l.id) === filters.label);
  const set = (key: FilterKey, value: string) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <form
      className="grid-filters"
      aria-label="Filters"
      onSubmit={(e) => {
        e.preventDefault();
        onChange({
          meta_key: draft.meta_key?.trim() || null,
          meta_value: draft.meta_value ?? null,
          min_duration: draft.min_duration || null,
          max_duration: draft.max_duration || null,
          text: draft.text?.trim() || null,
        });
      }}
    >
      {members.length ? (
        <label className="inline">
          Annotator
          <select
            aria-label="Filter by annotator"
            value={filters.assignee ?? ""}
            onChange={(e) => onChange({ assignee: e.target.value || null })}
          >
            <option value="">Anyone</option>
            {members.map((m) => (
              <option key={m.user_id} value={m.username}>
                {m.username}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {itemLabels.length ? (
        <label className="inline">
          Label
          <select
            aria-label="Filter by label"
            value={label?.name ?? ""}
            onChange={(e) => onChange({ label: e.target.value || null, value: null })}
          >
            <option value="">Any</option>
            {itemLabels.map((l) => (
              <option key={l.id} value={l.name}>
                {l.name}
              </option>
            ))}
          </select>
          {label ? (
            <select
              aria-label="Label value"
              value={filters.value ?? ""}
              onChange={(e) => onChange({ value: e.target.value || null })}
            >
              <option value="">set to anything…</option>
              <option value="none">not set yet</option>
              <LabelValueOptions label={label} by="value" />
            </select>
          ) : null}
        </label>
      ) : null}
      <label className="inline">
        Metadata
        <input
          aria-label="Metadata field"
          placeholder="field"
          size={8}
          value={draft.meta_key ?? ""}
          onChange={(e) => set("meta_key", e.target.value)}
        />
        =
        <input
          aria-label="Metadata value"
          placeholder="any value"
          size={8}
          value={draft.meta_value ?? ""}
          onChange={(e) => set("meta_value", e.target.value)}
        />
      </label>
      <label className="inline">
        Duration (s)
        <input
          aria-label="Shortest duration"
          type="number"
          min={0}
          step="any"
          placeholder="from"
          className="narrow"
          value={draft.min_duration ?? ""}
          onChange={(e) => set("min_duration", e.target.value)}
        />
        –
        <input
          aria-label="Longest duration"
          type="number"
          min={0}
          step="any"
          placeholder="to"
          className="narrow"
          value={draft.max_duration ?? ""}
          onChange={(e) => set("max_duration", e.target.value)}
        />
      </label>
      <input
        type="search"
        aria-label="Search transcripts"
        placeholder="Words in transcripts"
        value={draft.text ?? ""}
        onChange={(e) => set("text", e.target.value)}
      />
      <button type="submit">Filter</button>
      {filters.ids ? (
        <span className="muted" data-testid="picked-filter">
          Only the {filters.ids.split(",").filter(Boolean).length} items picked on the map
        </span>
      ) : null}
      {Object.values(filters).some(Boolean) ? (
        <button
          type="button"
          className="link"
          onClick={() =>
            onChange({
              assignee: null,
              label: null,
              value: null,
              meta_key: null,
              meta_value: null,
              min_duration: null,
              max_duration: null,
              text: null,
              ids: null,
            })
          }
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
