// Predictions drawn apart from human work: dashed, translucent, in a lane of their own under
// the work (and under other authors' lanes while reviewing), the one in hand outlined.
import type { OtherRegion } from "../annotate/useRegionSync";
import { predictionLabel, undecided, type Prediction } from "./usePredictions";

export const PREDICTION_COLOR = "#64748b";

export function predictionRegions(list: Prediction[], currentId: string | null, others: OtherRegion[]): OtherRegion[] {
  const lane = others.reduce((n, o) => Math.max(n, o.lane + 1), 0);
  return undecided(list).map((p) => ({
    segment: { id: p.id, start: p.start, end: p.end, transcript: p.transcript, values: {}, channel: p.channel },
    label: p.transcript ? `${predictionLabel(p)} · ${p.transcript}` : predictionLabel(p),
    color: PREDICTION_COLOR,
    lane,
    prediction: true,
    current: p.id === currentId,
  }));
}
