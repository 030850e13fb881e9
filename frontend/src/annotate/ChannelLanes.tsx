// The split view's controls: the switch between one waveform and a lane per channel, and each
// lane's name with its solo and mute buttons, laid over the lane's right end.
import type { ChannelView } from "./useChannelView";
import { channelName } from "./engine/lanes";

export function ChannelSwitch({ view }: { view: ChannelView }) {
  if (view.channels < 2) return null;
  return (
    <div className="channel-switch" role="group" aria-label="Channels">
      <span className="muted small">{view.channels} channels:</span>
      <button type="button" aria-pressed={!view.split} onClick={() => view.setSplit(false)}>
        Mixed
      </button>
      <button type="button" aria-pressed={view.split} onClick={() => view.setSplit(true)} title="One lane per channel">
        Split
      </button>
    </div>
  );
}

export function LaneControls({ view }: { view: ChannelView }) {
  if (!view.split) return null;
  const unavailable = view.canMix ? undefined : "This browser cannot mix channels: all are heard.";
  return (
    <div className="lane-controls" data-testid="lane-controls" data-gains={view.gains?.join(",") ?? ""}>
      {view.lanes.lanes.map(({ channel, top, height }) => {
        const name = channelName(channel, view.channels);
        const solo = view.mix.solo.has(channel);
        const muted = view.mix.muted.has(channel);
        const gain = view.gains?.[channel];
        return (
          <div
            key={channel}
            className="lane-head"
            style={{ top, height }}
            data-channel={channel}
            data-gain={gain === undefined ? "" : String(gain)}
          >
            <span className="lane-name">{name}</span>
            <button
              type="button"
              aria-pressed={solo}
              aria-label={`Solo ${name}`}
              title={unavailable ?? `Play ${name} alone`}
              disabled={!view.canMix}
              onClick={() => view.toggleSolo(channel)}
            >
              S
            </button>
            <button
              type="button"
              aria-pressed={muted}
              aria-label={`Mute ${name}`}
              title={unavailable ?? `Mute ${name}`}
              disabled={!view.canMix}
              onClick={() => view.toggleMute(channel)}
            >
              M
            </button>
          </div>
        );
      })}
    </div>
  );
}
