// The spectrogram lane's settings: shown or not, frequency scale, dB range, colour map.
import { COLORMAPS, DB_RANGES, SCALES, type SpectrogramSettings } from "./engine/spectrogram";

interface Props {
  settings: SpectrogramSettings;
  /** The recording's channels: a channel choice when there are several. */
  channels: number;
  onChange(next: SpectrogramSettings): void;
}

export function SpectrogramControls({ settings, channels, onChange }: Props) {
  const set = (patch: Partial<SpectrogramSettings>) => onChange({ ...settings, ...patch });
  return (
    <div className="transport-group spectrogram-controls" role="group" aria-label="Spectrogram">
      <label className="inline">
        <input type="checkbox" checked={settings.show} onChange={(e) => set({ show: e.target.checked })} />
        <span>Spectrogram</span>
      </label>
      {settings.show ? (
        <>
          <label className="inline">
            <span>Scale</span>
            <select
              aria-label="Frequency scale"
              value={settings.scale}
              onChange={(e) => set({ scale: e.target.value as SpectrogramSettings["scale"] })}
            >
              {SCALES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            <span>Range</span>
            <select aria-label="dB range" value={settings.dbRange} onChange={(e) => set({ dbRange: Number(e.target.value) })}>
              {DB_RANGES.map((d) => (
                <option key={d} value={d}>
                  {d} dB
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            <span>Colours</span>
            <select
              aria-label="Colour map"
              value={settings.colormap}
              onChange={(e) => set({ colormap: e.target.value as SpectrogramSettings["colormap"] })}
            >
              {COLORMAPS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          {channels > 1 ? (
            <label className="inline">
              <span>Channel</span>
              <select
                aria-label="Spectrogram channel"
                value={Math.min(settings.channel, channels - 1)}
                onChange={(e) => set({ channel: Number(e.target.value) })}
              >
                {Array.from({ length: channels }, (_, c) => (
                  <option key={c} value={c}>
                    {channels === 2 ? ["left", "right"][c] : c + 1}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
