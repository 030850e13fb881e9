// A manager marks the item gold (its reference: the work on screen) or ordinary again. Only
// reviewers and managers are told whether an item is gold; annotators never see this.
import { useState } from "react";
import { api, errorMessage, unwrap } from "../api/client";
import type { Loaded } from "../annotate/loadEditor";

/** Shown where the item's gold mark was told (not null); the reference is the reviewed
 * person's segments, else one's own. */
export function GoldToggle({ data, say }: { data: Loaded; say(text: string): void }) {
  const { datapoint, review, me } = data;
  const datapointId = datapoint.id;
  const gold = datapoint.gold;
  const reference = review ? review.user : me ? { id: me.id, name: me.username } : null;
  const mine = !review;
  const [on, setOn] = useState(gold === true);
  const [busy, setBusy] = useState(false);
  if (gold === null || gold === undefined || !reference) return null;
  const whose = mine ? "your" : `${reference.name}’s`;
  const referenceId = reference.id;

  async function toggle() {
    const want = !on;
    setBusy(true);
    setOn(want);
    const path = { datapoint_id: datapointId };
    try {
      if (want) {
        await unwrap(
          api.POST("/api/datapoints/{datapoint_id}/gold", { params: { path }, body: { reference_user_id: referenceId } }),
        );
        say(`A gold item now, with ${whose} segments as the reference. Annotators get it unflagged.`);
      } else {
        await unwrap(api.DELETE("/api/datapoints/{datapoint_id}/gold", { params: { path } }));
        say("An ordinary item again.");
      }
    } catch (err) {
      setOn(!want);
      say(`Gold not changed: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <label
      className={on ? "inline gold-toggle on" : "inline gold-toggle"}
      title={
        on
          ? "A gold item: annotators are scored against its reference. Untick to make it ordinary."
          : `Make this a gold item with ${whose} segments as the reference; annotators get it unflagged and are scored on it`
      }
    >
      <input type="checkbox" checked={on} disabled={busy} onChange={() => void toggle()} data-testid="gold-toggle" />
      <span>
        Gold<span className="wide-only"> item</span>
      </span>
    </label>
  );
}
