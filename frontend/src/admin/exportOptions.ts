// The export dialog's choices, and what the server is sent for them: the job's JSON body
// (POST /api/projects/{id}/exports) or the streamed export's query (GET …/export).
import type { Schemas } from "../api/client";
import { MARKED_FOR_REVIEW, statusText } from "../components/status";

export type Format = Schemas["FormatPublic"];
export type ExportBody = Schemas["ExportJobIn"];

export interface Choices {
  status: string;
  author: string;
  oneAnnotator: boolean;
  speakerLabel: string;
  genderLabel: string;
  splits: string;
  splitBy: string;
  sampleRate: string;
  channels: string;
  codec: string;
  locale: string;
  audioRoot: string;
}

export const NO_CHOICES: Choices = {
  status: "",
  author: "",
  oneAnnotator: false,
  speakerLabel: "",
  genderLabel: "",
  splits: "",
  splitBy: "recording",
  sampleRate: "",
  channels: "",
  codec: "",
  locale: "",
  audioRoot: "",
};

export const STATUSES = [
  { value: "", label: "All datapoints" },
  { value: "done", label: "Done only" },
  { value: "in_progress", label: statusText("in_progress") },
  { value: "todo", label: statusText("todo") },
  { value: "review", label: MARKED_FOR_REVIEW },
  { value: "reviewed", label: "Reviewed (done by a reviewer or manager)" },
];

export const SPLIT_PRESETS = [
  { value: "", label: "No splits" },
  { value: "train=0.8,dev=0.1,test=0.1", label: "train 80 / dev 10 / test 10" },
  { value: "train=0.9,test=0.1", label: "train 90 / test 10" },
];

export const SAMPLE_RATES = ["8000", "16000", "22050", "24000", "44100", "48000"];
export const CODECS = ["flac", "wav", "mp3", "ogg"];

/** audino's own format, which keeps everything a project holds. */
export const NATIVE_FORMAT = "audino";

/** The format the dialog starts with: the native one, not the first alphabetically. */
export function defaultFormat(formats: Format[]): Format | undefined {
  return formats.find((f) => f.name === NATIVE_FORMAT) ?? formats[0];
}

/** The request body for a format: only the options that format uses, defaults left out. */
export function exportBody(format: Format, c: Choices): ExportBody {
  const body: ExportBody = { format: format.name };
  // The dialog offers only values the server lists (STATUSES, CODECS, recording | speaker).
  if (c.status) body.status = c.status as ExportBody["status"];
  if (c.author) body.author = c.author;
  if (c.oneAnnotator) body.one_annotator = true;
  if (format.speakers && c.speakerLabel) body.speaker_label = c.speakerLabel;
  if (format.genders && c.genderLabel) body.gender_label = c.genderLabel;
  if (format.splits && c.splits.trim()) {
    body.splits = c.splits.trim();
    if (c.splitBy !== "recording") body.split_by = c.splitBy as ExportBody["split_by"];
  }
  if (format.locale && c.locale.trim()) body.locale = c.locale.trim();
  if (format.audio_root && c.audioRoot.trim()) body.audio_root = c.audioRoot.trim();
  if (format.audio) {
    if (c.sampleRate) body.sample_rate = Number(c.sampleRate);
    if (c.channels) body.channels = Number(c.channels);
    if (c.codec) body.codec = c.codec as ExportBody["codec"];
  }
  return body;
}

/** The streamed export's URL for the same choices (for scripts: curl, wget). */
export function streamUrl(projectId: number, body: ExportBody): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  return `/api/projects/${projectId}/export?${query}`;
}
