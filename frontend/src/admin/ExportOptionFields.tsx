// The export options a format uses: which datapoints and whose work, speakers, splits,
// locale, and the audio of formats that cut clips.
import { api, unwrap } from "../api/client";
import { ErrorMessage } from "../components/ui";
import { useLoad } from "../components/useLoad";
import { CODECS, SAMPLE_RATES, SPLIT_PRESETS, STATUSES, type Choices, type Format } from "./exportOptions";

interface Props {
  projectId: number;
  format: Format;
  choices: Choices;
  onChange: (update: Partial<Choices>) => void;
}

export function ExportOptionFields({ projectId, format, choices: c, onChange }: Props) {
  const path = { params: { path: { project_id: projectId } } };
  const members = useLoad(() => unwrap(api.GET("/api/projects/{project_id}/members", path)), [projectId]);
  const labels = useLoad(() => unwrap(api.GET("/api/projects/{project_id}/labels", path)), [projectId]);
  const segmentLabels = (labels.data ?? []).filter((l) => l.scope === "segment");

  return (
    <fieldset className="export-options">
      <legend>Options</legend>
      <ErrorMessage>{members.error ?? labels.error}</ErrorMessage>
      <div className="form-row">
        <label>
          Status
          <select aria-label="Status" value={c.status} onChange={(e) => onChange({ status: e.target.value })}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Annotations by
          <select aria-label="Annotations by" value={c.author} onChange={(e) => onChange({ author: e.target.value })}>
            <option value="">Everyone</option>
            {members.data?.map((m) => (
              <option key={m.user_id} value={m.username}>
                {m.username}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={c.oneAnnotator}
            onChange={(e) => onChange({ oneAnnotator: e.target.checked })}
          />
          One annotator per datapoint
        </label>
      </div>
      {format.speakers || format.genders ? (
        <div className="form-row">
          {format.speakers ? (
            <label>
              Speaker label
              <select
                aria-label="Speaker label"
                value={c.speakerLabel}
                onChange={(e) => onChange({ speakerLabel: e.target.value })}
              >
                <option value="">Automatic (a label named “speaker”)</option>
                {segmentLabels.map((l) => (
                  <option key={l.id} value={l.name}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {format.genders ? (
            <label>
              Gender label
              <select
                aria-label="Gender label"
                value={c.genderLabel}
                onChange={(e) => onChange({ genderLabel: e.target.value })}
              >
                <option value="">Automatic (a label named “gender” or “sex”)</option>
                {segmentLabels.map((l) => (
                  <option key={l.id} value={l.name}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      ) : null}
      {format.audio_root ? (
        <div className="form-row">
          <label>
            {format.audio_urls ? "Audio folder or URL" : "Audio folder"}
            <input aria-label="Audio folder"
              value={c.audioRoot}
              onChange={(e) => onChange({ audioRoot: e.target.value })}
              placeholder={
                format.audio_urls
                  ? "/data/corpus or https://files.example.org/corpus"
                  : "/data/corpus: where you will unzip it"
              }
              maxLength={1000}
              aria-describedby="export-audio-root-about"
            />
          </label>
          <p className="hint" id="export-audio-root-about">
            {format.audio_urls
              ? "Where the tool will find the audio: a folder on its machine or the web address you serve the unzipped audio/ folder from; left empty, paths are relative to the unzipped folder."
              : "Makes the audio paths in the export absolute, so tools find the audio from any folder; left empty, they are relative to the unzipped folder."}
          </p>
        </div>
      ) : null}
      {format.splits ? (
        <div className="form-row">
          <label>
            Splits
            <input aria-label="Splits"
              value={c.splits}
              onChange={(e) => onChange({ splits: e.target.value })}
              placeholder="train=0.8,dev=0.1,test=0.1"
              list="export-split-presets"
            />
          </label>
          <datalist id="export-split-presets">
            {SPLIT_PRESETS.filter((p) => p.value).map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </datalist>
          <label>
            Split by
            <select aria-label="Split by"
              value={c.splitBy}
              onChange={(e) => onChange({ splitBy: e.target.value })}
              disabled={!c.splits.trim()}
            >
              <option value="recording">Recording</option>
              <option value="speaker">Speaker (never spans splits)</option>
            </select>
          </label>
        </div>
      ) : null}
      {format.locale ? (
        <div className="form-row">
          <label>
            Locale
            <input aria-label="Locale"
              value={c.locale}
              onChange={(e) => onChange({ locale: e.target.value })}
              placeholder="from each recording"
              maxLength={64}
            />
          </label>
        </div>
      ) : null}
      {format.audio ? (
        <div className="form-row">
          <label>
            Sample rate
            <select aria-label="Sample rate" value={c.sampleRate} onChange={(e) => onChange({ sampleRate: e.target.value })}>
              <option value="">Format default</option>
              {SAMPLE_RATES.map((r) => (
                <option key={r} value={r}>
                  {Number(r) / 1000} kHz
                </option>
              ))}
            </select>
          </label>
          <label>
            Channels
            <select aria-label="Channels" value={c.channels} onChange={(e) => onChange({ channels: e.target.value })}>
              <option value="">Format default</option>
              <option value="1">Mono</option>
              <option value="2">Stereo</option>
            </select>
          </label>
          <label>
            Codec
            <select aria-label="Codec" value={c.codec} onChange={(e) => onChange({ codec: e.target.value })}>
              <option value="">Format default</option>
              {CODECS.map((codec) => (
                <option key={codec} value={codec}>
                  {codec.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
        </div>
      ) : null}
    </fieldset>
  );
}
