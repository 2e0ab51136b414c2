import type { ComponentChildren } from 'preact';
import { useApp } from '../context';
import { OrgSelect } from './ui';

/** The bar of filters above a list. */
export function Filters({ children }: { children: ComponentChildren }) {
  return (
    <div class="filters" role="search">
      {children}
    </div>
  );
}

/** Organisation filter, "all organisations" first. */
export function OrgFilter(props: { id: string; value: number | null; onChange: (v: number | null) => void }) {
  const { t } = useApp();
  return (
    <label>
      <span>{t('common.org')}</span>
      <OrgSelect id={props.id} value={props.value} onChange={props.onChange} allowEmpty={t('common.allOrgs')} />
    </label>
  );
}

/** A choice among fixed [value, label] options, "all" first (the empty value). */
export function SelectFilter(props: { label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  const { t } = useApp();
  return (
    <label>
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{t('common.all')}</option>
        {props.options.map(([value, label]) => (
          <option value={value}>{label}</option>
        ))}
      </select>
    </label>
  );
}

/** A typed filter: `grow` takes the rest of the bar, `numeric` is a narrow box for ids. */
export function TextFilter(props: { label: string; value: string; onChange: (v: string) => void; placeholder?: string; grow?: boolean; numeric?: boolean }) {
  return (
    <label class={props.grow ? 'grow' : undefined}>
      <span>{props.label}</span>
      <input
        type="search"
        inputMode={props.numeric ? 'numeric' : undefined}
        class={props.numeric ? 'narrow' : undefined}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(e) => props.onChange((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}

/** A search box named by its placeholder, for narrowing a list inside a card (tree, checkboxes). */
export function SearchBox(props: { class: string; label: string; value: string; onChange: (v: string) => void }) {
  return (
    <input
      type="search"
      class={props.class}
      placeholder={props.label}
      aria-label={props.label}
      value={props.value}
      onInput={(e) => props.onChange((e.target as HTMLInputElement).value)}
    />
  );
}
