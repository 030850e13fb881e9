// Solo and mute per channel while playing through the page's <audio> element: a Web Audio graph
// MediaElementSource → ChannelSplitter → one GainNode per channel → ChannelMerger → speakers.
// Nothing is decoded here: the element still streams the file with Range requests.

export interface MixState {
  solo: ReadonlySet<number>;
  muted: ReadonlySet<number>;
}

export const UNMIXED: MixState = { solo: new Set(), muted: new Set() };

/** Each channel's gain: with any channel soloed only the soloed play; a muted one never does. */
export function channelGains(channels: number, state: MixState): number[] {
  const soloing = state.solo.size > 0;
  return Array.from({ length: channels }, (_, c) => (state.muted.has(c) || (soloing && !state.solo.has(c)) ? 0 : 1));
}

/**
 * The merger's width: layouts the browser knows how to bring down to the speakers (mono,
 * stereo, quad, 5.1) keep their channels; other counts fold onto stereo so none goes silent
 * (the destination drops channels of a layout it does not know).
 */
export function mergerWidth(channels: number): number {
  return [1, 2, 4, 6].includes(channels) ? channels : 2;
}

/** The merger input a channel goes to. */
export function mergerInput(channel: number, channels: number): number {
  return channel % mergerWidth(channels);
}

/** What the graph needs of an AudioContext (a fake one in the tests). */
export type MixContext = Pick<
  AudioContext,
  "createMediaElementSource" | "createChannelSplitter" | "createGain" | "createChannelMerger" | "destination" | "state" | "resume" | "close"
>;

export class ChannelMix {
  private constructor(
    private readonly context: MixContext,
    readonly gains: GainNode[],
  ) {}

  /**
   * Routes `media` through the graph, or null where Web Audio is missing or refuses (playback
   * then stays plain). A media element can be routed once: keep this for the element's life.
   */
  static create(media: HTMLMediaElement, channels: number, makeContext: () => MixContext | null = browserContext): ChannelMix | null {
    let context: MixContext | null = null;
    try {
      context = makeContext();
      if (!context) return null;
      const source = context.createMediaElementSource(media);
      const splitter = context.createChannelSplitter(channels);
      const merger = context.createChannelMerger(mergerWidth(channels));
      source.connect(splitter);
      const gains = Array.from({ length: channels }, (_, c) => {
        const gain = context!.createGain();
        splitter.connect(gain, c);
        gain.connect(merger, 0, mergerInput(c, channels));
        return gain;
      });
      merger.connect(context.destination);
      return new ChannelMix(context, gains);
    } catch {
      void context?.close().catch(() => undefined);
      return null;
    }
  }

  apply(state: MixState): void {
    channelGains(this.gains.length, state).forEach((g, c) => {
      this.gains[c].gain.value = g;
    });
  }

  /** The gains the nodes hold now (what is heard), for the page to show. */
  values(): number[] {
    return this.gains.map((g) => g.gain.value);
  }

  /** Browsers start a context suspended until a user gesture: call from one. */
  resume(): void {
    if (this.context.state === "suspended") void this.context.resume().catch(() => undefined);
  }

  close(): void {
    void this.context.close().catch(() => undefined);
  }
}

function browserContext(): MixContext | null {
  const Context = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  return Context ? new Context() : null;
}
