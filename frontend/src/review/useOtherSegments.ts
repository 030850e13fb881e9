// Other people's segments while reviewing: shown or not, each author in their own colour.
import { useMemo, useState } from "react";
import type { ReviewMode } from "../annotate/loadEditor";
import type { OtherRegion } from "../annotate/useRegionSync";
import { authorColors } from "./authorColor";

export function useOtherSegments(review: ReviewMode | null) {
  const [show, setShow] = useState(true);
  const colors = useMemo(() => authorColors(review?.others.map((o) => o.authorId) ?? []), [review]);
  const regions = useMemo<OtherRegion[]>(
    () =>
      review && show
        ? review.others.map((o) => ({
            segment: o.segment,
            label: o.segment.transcript ? `${o.author} · ${o.segment.transcript}` : o.author,
            color: colors.get(o.authorId) ?? "#666",
          }))
        : [],
    [review, show, colors],
  );
  return { show, setShow, colors, regions };
}
