import type { Deps } from "../../deps.ts";
import { CatalogIndex } from "./engine/catalog-index.ts";
import { buildHistories, CollaborativeModel, type HistoryItem } from "./engine/model.ts";
import { Recommender } from "./engine/recommender.ts";
import type { Recommendation } from "./engine/types.ts";
import { loadFingerprint, loadSignals, loadSpirits } from "./model-loader.ts";

export type Model = {
  index: CatalogIndex;
  cf: CollaborativeModel;
  recommender: Recommender;
  histories: Map<string, HistoryItem[]>;
  popular: Recommendation[];
  fingerprint: string;
  builtAt: number;
};

/** Gives the event loop back, so a long computation never holds up requests. */
export const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export const POPULAR_LIST_SIZE = 200;

/**
 * The trained model, one per app (per deps): the background job and the request handlers share it
 * even when they hold different service instances. A rebuild is coalesced: callers that arrive while
 * one runs wait for it.
 */
export class ModelState {
  model: Model | undefined;
  private building: Promise<Model> | undefined;

  constructor(private readonly deps: Deps) {}

  fingerprint(): Promise<string> {
    return loadFingerprint(this.deps.client);
  }

  rebuild(fingerprint?: string): Promise<Model> {
    this.building ??= this.build(fingerprint).finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private async build(known?: string): Promise<Model> {
    const fingerprint = known ?? (await this.fingerprint());
    const [spirits, signals] = await Promise.all([
      loadSpirits(this.deps.client),
      loadSignals(this.deps.client),
    ]);
    await pause();
    const index = new CatalogIndex(spirits);
    const histories = buildHistories(index, signals);
    await pause();
    const cf = await CollaborativeModel.build(index, histories, { pause });
    const recommender = new Recommender(index, cf);
    const popular = recommender.recommend({
      history: [],
      limit: POPULAR_LIST_SIZE,
      mode: "popularity",
    }).items;
    this.model = {
      index,
      cf,
      recommender,
      histories,
      popular,
      fingerprint,
      builtAt: Date.now(),
    };
    return this.model;
  }
}

const states = new WeakMap<Deps, ModelState>();

export function modelStateFor(deps: Deps): ModelState {
  let state = states.get(deps);
  if (!state) {
    state = new ModelState(deps);
    states.set(deps, state);
  }
  return state;
}
