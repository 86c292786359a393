import type { InjectionKey, Ref } from 'vue';
import type { ChartKey } from '../../utils/orgLayout';

/** What the chart shares with its cards, so a card re-renders only when its own state changes. */
export interface OrgChartContext {
  /** The card that takes Tab (roving tabindex): one tab stop for the whole chart. */
  active: Readonly<Ref<string | null>>;
  /** Id of the keyboard hint every card points to with aria-describedby. */
  hintId: string;
  isDimmed(name: string): boolean;
  isFresh(name: string): boolean;
  isSelected(name: string): boolean;
  reportsOf(name: string): number;
  activate(name: string): void;
  open(name: string): void;
  navigate(name: string, key: ChartKey): void;
}

export const orgChartKey: InjectionKey<OrgChartContext> = Symbol('org-chart');

/** What the list mode's cards share: the filter, and opening an agent's details. */
export interface OrgListContext {
  isDimmed(name: string): boolean;
  open(name: string): void;
}

export const orgListKey: InjectionKey<OrgListContext> = Symbol('org-list');
