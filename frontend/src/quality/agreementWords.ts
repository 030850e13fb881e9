// The item agreement the server computes (GET /api/datapoints/{id}/agreement), its shape and
// its figures in words: a value, or "—" and why there is none, and a line on what it means.

export interface Coefficient {
  value: number | null;
  units: number;
  reason: string | null;
}

export interface Rate {
  a_ref: number | null;
  b_ref: number | null;
  mean: number | null;
  errors: number;
  reason: string | null;
}

export interface Boundaries {
  tolerance: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  mean_offset: number | null;
  reason: string | null;
}

export interface Diarization {
  der: number | null;
  der_a_ref: number | null;
  der_b_ref: number | null;
  jer: number | null;
  reason: string | null;
}

export interface PairLabel {
  label: string;
  kappa: Coefficient;
  alpha: Coefficient;
  frame_kappa: Coefficient;
  frame_alpha: Coefficient;
}

export interface Pair {
  annotator_a: string;
  annotator_b: string;
  segments_a: number;
  segments_b: number;
  matched: number;
  wer: Rate;
  cer: Rate;
  item_wer: Rate;
  item_cer: Rate;
  labels: PairLabel[];
  boundaries: Boundaries;
  diarization: Diarization;
}

export interface GroupLabel {
  label: string;
  fleiss_kappa: Coefficient;
  alpha: Coefficient;
  frame_fleiss_kappa: Coefficient;
  frame_alpha: Coefficient;
}

export interface ItemAgreement {
  datapoint_id: number;
  annotators: string[];
  reason: string | null;
  pairs: Pair[];
  labels: GroupLabel[];
}

/** What each figure says, in one line. */
export const EXPLAIN = {
  wer: "Word error rate between the transcripts of matched segments, averaged both ways: 0% is word for word the same.",
  item_wer: "Word error rate on the whole item’s text, all segments joined in time order.",
  cer: "Character error rate between matched segments’ transcripts: catches spelling differences.",
  item_cer: "Character error rate on the whole item’s text.",
  boundaries: "Share of segment starts and ends the other annotator placed within the tolerance: 1 is all of them.",
  der: "Diarization error rate: share of speech time with a missed, extra or different speaker; 0% is the same.",
  jer: "Jaccard error rate: like DER, but each speaker counts equally however long they talk.",
  kappa: "Cohen’s κ on matched segments: agreement beyond chance; 1 is perfect, 0 is chance.",
  alpha: "Krippendorff’s α on matched segments: like κ, and copes with missing values.",
  frame_kappa: "κ on 10 ms frames: counts where the label was given as well as which.",
  fleiss: "Fleiss’ κ: chance-corrected agreement of all the item’s annotators together.",
  group_alpha: "Krippendorff’s α of all the item’s annotators together.",
} as const;

/** The words of Landis and Koch (1977) for a κ or α. */
export function strength(value: number): string {
  if (value < 0) return "worse than chance";
  if (value < 0.2) return "slight";
  if (value < 0.4) return "fair";
  if (value < 0.6) return "moderate";
  if (value < 0.8) return "substantial";
  return "almost perfect";
}

/** The server's reason with "A" and "B" named ("no transcript from B" → "… from bob"). */
export function reasonWords(reason: string, a?: string, b?: string): string {
  const name = (side: string) => (side === "A" ? a : b) ?? side;
  return reason
    .replace(/\b(from|by) ([AB])\b/g, (_, word: string, side: string) => `${word} ${name(side)}`)
    .replace(/^([AB]) (named|has|gave)\b/, (_, side: string, verb: string) => `${name(side)} ${verb}`);
}

export interface Shown {
  /** The figure, or "—" when there is none. */
  text: string;
  /** Why there is none, in words. */
  reason: string | null;
  /** A plain-words reading of the figure, e.g. "substantial". */
  reading: string | null;
  value: number | null;
}

const none = (reason: string | null, a?: string, b?: string): Shown => ({
  text: "—",
  reason: reason ? reasonWords(reason, a, b) : "not computed",
  reading: null,
  value: null,
});

export const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

/** A WER, CER, DER or JER: a percentage (the mean of both ways round). */
export function showRate(value: number | null, reason: string | null, a?: string, b?: string): Shown {
  if (value === null) return none(reason, a, b);
  return { text: percent(value), reason: null, reading: null, value };
}

/** A κ or α, with its strength and the units it rests on. */
export function showCoefficient(c: Coefficient, unit: string, a?: string, b?: string): Shown {
  if (c.value === null) return none(c.reason, a, b);
  const units = `${c.units} ${unit}${c.units === 1 ? "" : "s"}`;
  return { text: c.value.toFixed(2), reason: null, reading: `${strength(c.value)}, on ${units}`, value: c.value };
}

export function showBoundaries(b: Boundaries, a?: string, bn?: string): Shown {
  if (b.f1 === null) return none(b.reason, a, bn);
  const offset = b.mean_offset !== null ? `, ${Math.round(b.mean_offset * 1000)} ms apart on average` : "";
  return { text: b.f1.toFixed(2), reason: null, reading: `within ${Math.round(b.tolerance * 1000)} ms${offset}`, value: b.f1 };
}

/** "2 of ann’s 3 and bob’s 2 segments matched". */
export function matchedWords(p: Pair): string {
  return `${p.matched} matched of ${p.annotator_a}’s ${p.segments_a} and ${p.annotator_b}’s ${p.segments_b} segments`;
}
