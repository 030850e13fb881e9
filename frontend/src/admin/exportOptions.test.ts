import { describe, expect, it } from "vitest";
import { defaultFormat, exportBody, NO_CHOICES, streamUrl, type Format } from "./exportOptions";

const format = (over: Partial<Format>): Format => ({
  name: "x",
  description: "",
  can_import: false,
  matches_files: false,
  media_type: "application/zip",
  extension: ".zip",
  multi_file: true,
  audio: false,
  speakers: false,
  genders: false,
  splits: false,
  locale: false,
  audio_root: false,
  ...over,
});

const everything = {
  ...NO_CHOICES,
  status: "done",
  author: "alice",
  oneAnnotator: true,
  speakerLabel: "who",
  genderLabel: "sex",
  splits: " train=0.8,test=0.2 ",
  splitBy: "speaker",
  sampleRate: "16000",
  channels: "1",
  codec: "wav",
  locale: "de",
  audioRoot: " /data/corpus ",
};

describe("exportBody", () => {
  it("sends only the format when nothing is chosen", () => {
    expect(exportBody(format({ name: "rttm", speakers: true }), NO_CHOICES)).toEqual({ format: "rttm" });
  });
  it("leaves out options the format does not use", () => {
    expect(exportBody(format({ name: "textgrid", speakers: true }), everything)).toEqual({
      format: "textgrid",
      status: "done",
      author: "alice",
      one_annotator: true,
      speaker_label: "who",
    });
  });
  it("sends splits, locale and audio settings to corpus formats", () => {
    const body = exportBody(
      format({ name: "commonvoice", speakers: true, splits: true, locale: true, audio: true }),
      everything,
    );
    expect(body).toMatchObject({
      splits: "train=0.8,test=0.2",
      split_by: "speaker",
      locale: "de",
      sample_rate: 16000,
      channels: 1,
      codec: "wav",
    });
  });
  it("sends the gender label and audio root to formats that use them", () => {
    const body = exportBody(format({ name: "kaldi", speakers: true, genders: true, audio_root: true }), everything);
    expect(body).toMatchObject({ speaker_label: "who", gender_label: "sex", audio_root: "/data/corpus" });
    expect(exportBody(format({ name: "kaldi", genders: true, audio_root: true }), NO_CHOICES)).toEqual({
      format: "kaldi",
    });
  });
  it("sends split_by only with splits", () => {
    const body = exportBody(format({ splits: true }), { ...NO_CHOICES, splitBy: "speaker" });
    expect(body).toEqual({ format: "x" });
  });
});

describe("streamUrl", () => {
  it("puts the same choices in the query", () => {
    expect(streamUrl(3, { format: "kaldi", sample_rate: 8000, one_annotator: true })).toBe(
      "/api/projects/3/export?format=kaldi&sample_rate=8000&one_annotator=true",
    );
  });
});

describe("defaultFormat", () => {
  it("starts with audino's own format, not the first alphabetically", () => {
    const list = [format({ name: "audacity" }), format({ name: "audino" }), format({ name: "rttm" })];
    expect(defaultFormat(list)?.name).toBe("audino");
  });
  it("falls back to the first format when the native one is missing", () => {
    expect(defaultFormat([format({ name: "rttm" })])?.name).toBe("rttm");
    expect(defaultFormat([])).toBeUndefined();
  });
});
