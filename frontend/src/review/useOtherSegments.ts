// Other people's segments while reviewing: shown or not, each author in their own colour.
import { useMemo, useState } from "react";
import type { ReviewMode } from "../annotate/loadEditor";
import type { OtherRegion } from "../annotate/useRegionSync";
import { authorColors } from "./authorColor";

export function useOtherSegments(review: ReviewMode | null) {
  const [show, setShow] = useState(true);
  const colors = useMemo(() => authorColors(review?.others.map((o) => o.authorId) ?? []), [review]);
  // One lane per other author, in the order their colours were given.
  const laneOf = useMemo(() => new Map([...colors.keys()].map((id, i) => [id, i])), [colors]);
  const regions = useMemo<OtherRegion[]>(
    () =>
      review && show
        ? review.others.map((o) => ({
            segment: o.segment,
            label: o.segment.transcript ? `${o.author} · ${o.segment.transcript}` : o.author,
            color: colors.get(o.authorId) ?? "#666",
            lane: laneOf.get(o.authorId) ?? 0,
          }))
        : [],
    [review, show, colors, laneOf],
  );
  return { show, setShow, colors, regions };
}
