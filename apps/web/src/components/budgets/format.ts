const integer = new Intl.NumberFormat('en-US');
const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });

export const formatTokens = (value: number) => integer.format(value);
export const formatUsd = (value: number) => dollars.format(value);
export const formatWhen = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
