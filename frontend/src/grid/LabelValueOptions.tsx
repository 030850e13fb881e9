// The <option>s of an item label's values: yes/no for a boolean label, else each value,
// keyed by its id or by its text (what the form sends).
import type { Schemas } from "../api/client";

export function LabelValueOptions({ label, by }: { label: Schemas["LabelPublic"]; by: "id" | "value" }) {
  if (label.kind === "boolean") {
    return (
      <>
        <option value="true">yes</option>
        <option value="false">no</option>
      </>
    );
  }
  return (
    <>
      {label.values.map((v) => (
        <option key={v.id} value={by === "id" ? v.id : v.value}>
          {v.value}
        </option>
      ))}
    </>
  );
}
