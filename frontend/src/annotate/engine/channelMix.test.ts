import { describe, expect, it } from "vitest";
import { ChannelMix, channelGains, mergerInput, mergerWidth, type MixContext } from "./channelMix";

describe("channel gains", () => {
  it("plays everything by default", () => {
    expect(channelGains(4, { solo: new Set(), muted: new Set() })).toEqual([1, 1, 1, 1]);
  });
  it("mutes and solos", () => {
    expect(channelGains(4, { solo: new Set(), muted: new Set([2]) })).toEqual([1, 1, 0, 1]);
    expect(channelGains(4, { solo: new Set([1]), muted: new Set() })).toEqual([0, 1, 0, 0]);
    expect(channelGains(4, { solo: new Set([1, 3]), muted: new Set([3]) })).toEqual([0, 1, 0, 0]);
  });
  it("folds unknown layouts onto stereo", () => {
    expect([mergerWidth(2), mergerWidth(3), mergerWidth(4), mergerWidth(8)]).toEqual([2, 2, 4, 2]);
    expect([0, 1, 2].map((c) => mergerInput(c, 3))).toEqual([0, 1, 0]);
    expect(mergerInput(3, 4)).toBe(3);
  });
});

interface Wire {
  from: string;
  to: string;
  output?: number;
  input?: number;
}

function fakeContext(wires: Wire[]) {
  let n = 0;
  const node = (name: string) => {
    const self = {
      name,
      gain: { value: 1 },
      connect(to: { name: string }, output?: number, input?: number) {
        wires.push({ from: name, to: to.name, output, input });
      },
    };
    return self;
  };
  const context = {
    state: "suspended",
    destination: node("destination"),
    resumed: 0,
    closed: 0,
    createMediaElementSource: () => node("source"),
    createChannelSplitter: (k: number) => node(`splitter${k}`),
    createChannelMerger: (k: number) => node(`merger${k}`),
    createGain: () => node(`gain${n++}`),
    resume() {
      this.resumed++;
      return Promise.resolve();
    },
    close() {
      this.closed++;
      return Promise.resolve();
    },
  };
  return context;
}

describe("the graph", () => {
  it("is source → splitter → a gain per channel → merger → destination", () => {
    const wires: Wire[] = [];
    const context = fakeContext(wires);
    const mix = ChannelMix.create({} as HTMLMediaElement, 4, () => context as unknown as MixContext)!;
    expect(wires).toEqual([
      { from: "source", to: "splitter4" },
      { from: "splitter4", to: "gain0", output: 0 },
      { from: "gain0", to: "merger4", output: 0, input: 0 },
      { from: "splitter4", to: "gain1", output: 1 },
      { from: "gain1", to: "merger4", output: 0, input: 1 },
      { from: "splitter4", to: "gain2", output: 2 },
      { from: "gain2", to: "merger4", output: 0, input: 2 },
      { from: "splitter4", to: "gain3", output: 3 },
      { from: "gain3", to: "merger4", output: 0, input: 3 },
      { from: "merger4", to: "destination" },
    ].map((w) => ({ output: undefined, input: undefined, ...w })));
    mix.apply({ solo: new Set([1]), muted: new Set() });
    expect(mix.values()).toEqual([0, 1, 0, 0]);
    mix.resume();
    expect(context.resumed).toBe(1);
    mix.close();
    expect(context.closed).toBe(1);
  });

  it("is absent where Web Audio is missing or refuses the element", () => {
    expect(ChannelMix.create({} as HTMLMediaElement, 2, () => null)).toBeNull();
    const context = fakeContext([]);
    context.createMediaElementSource = () => {
      throw new Error("InvalidStateError");
    };
    expect(ChannelMix.create({} as HTMLMediaElement, 2, () => context as unknown as MixContext)).toBeNull();
    expect(context.closed).toBe(1);
  });
});
