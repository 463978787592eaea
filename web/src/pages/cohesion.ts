// Cohesion of the groups (GET /api/v1/votes/cohesion): every regional group's and organisation's
// mean Hix-Noury-Roland agreement index over the selected roll calls, as bars and as a table with
// the number of roll calls each rests on. URL: /votes/cohesion?body=&year=&session=&q=

import type { EChartsCoreOption } from 'echarts/core';
import { getJson } from '../api';
import { barOption, chartCard } from '../charts';
import { fmtInt, h } from '../dom';
import { lang, t } from '../i18n';
import { type Route } from '../router';
import { errorBox, isAbort, pageTitle } from '../ui';
import { groupName, selectionChips, selectionForm, selectionParams, selectionText, votesNav, type CohesionResponse } from '../votes';

const PATH = '/votes/cohesion';

// Bars of the mean index on a fixed 0..1 axis (comparable between selections); the tooltip
// names the roll calls each bar rests on.
function cohesionOption(names: string[], groups: CohesionResponse['groups']): EChartsCoreOption {
  const L = lang();
  const option = barOption(names, [{ name: t('votes.meanAi'), data: groups.map((g) => (g.mean_ai === null ? null : Number(g.mean_ai.toFixed(3)))) }], { horizontal: true });
  const o = option as { xAxis: Record<string, unknown>; yAxis: { axisLabel: Record<string, unknown> }; tooltip: Record<string, unknown>; series: Record<string, unknown>[] };
  o.xAxis = { ...o.xAxis, min: 0, max: 1 };
  o.yAxis = { ...o.yAxis, axisLabel: { ...o.yAxis.axisLabel, width: 260 } };
  // Each bar says how many roll calls its mean rests on.
  o.series[0].label = {
    show: true,
    position: 'insideRight',
    color: '#fff',
    formatter: (p: { dataIndex: number }) => t('votes.rollCallsN', { n: fmtInt(groups[p.dataIndex].roll_calls_used, L) }),
  };
  o.tooltip = {
    ...o.tooltip,
    formatter: (ps: { dataIndex: number; name: string; value: number | null }[]) => {
      const p = ps[0];
      const g = groups[p.dataIndex];
      return `${p.name}: ${p.value ?? '—'}<br>${t('votes.rollCallsN', { n: fmtInt(g.roll_calls_used, L) })}`;
    },
  };
  return option;
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const L = lang();
  root.append(pageTitle(t('votes.cohesionTitle')), votesNav(PATH, q), h('p', { class: 'muted' }, t('votes.cohesionIntro')));
  let res: CohesionResponse;
  try {
    const [form, answer] = await Promise.all([selectionForm(q, PATH), getJson<CohesionResponse>('/api/v1/votes/cohesion?' + selectionParams(q).toString(), r.signal)]);
    root.append(form);
    res = answer;
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(selectionChips(q, PATH) ?? '', errorBox(e));
    return;
  }
  const chips = selectionChips(q, PATH);
  if (chips) root.append(chips);
  root.append(h('p', { id: 'cohesion-selection', 'data-roll-calls': res.selection.roll_calls }, selectionText(res.selection)));

  const index = (v: number | null): string => (v === null ? '—' : v.toFixed(3));
  for (const kind of ['region', 'organisation']) {
    // Most cohesive first; a group without any roll call to rest on last.
    const groups = res.groups.filter((g) => g.kind === kind).sort((x, y) => (y.mean_ai ?? -1) - (x.mean_ai ?? -1));
    if (!groups.length) continue;
    const names = groups.map((g) => groupName(g.group, g.name));
    root.append(
      chartCard({
        id: `cohesion-${kind}`,
        title: t(kind === 'region' ? 'votes.cohesionRegions' : 'votes.cohesionOrganisations'),
        columns: [t('votes.group'), t('votes.meanAi'), t('votes.rollCallsUsed'), t('votes.members')],
        rows: groups.map((g, i) => [names[i], index(g.mean_ai), g.roll_calls_used, g.members]),
        option: cohesionOption(names, groups),
        height: 60 + groups.length * 28,
      }),
    );
  }
  root.append(
    h(
      'p',
      { class: 'muted' },
      t('votes.cohesionNote', { n: fmtInt(res.selection.roll_calls, L) }),
    ),
  );
}
