// The world map's heavy parts, loaded with import() by the pages with a map only (the world map,
// a resolution's votes, the agreement view): the Natural Earth 1:110m countries (world-atlas
// TopoJSON, ids are ISO 3166-1 numeric = UN M49 codes), topojson-client to turn them into
// GeoJSON, and d3-geo to project them into SVG paths; the places of the states too small to have
// a shape at that scale, drawn as markers; and worldMap, which draws the states coloured as a
// page says, each focusable, with its value on hover or focus, opening what the page says.
import { geoEqualEarth, geoPath, type GeoProjection } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';

export interface Country {
  m49: number; // NaN for the few shapes without a code
  name: string;
  d: string; // SVG path
}

export const WIDTH = 960;
export const HEIGHT = 480;

// [longitude, latitude] of the states of the reference table that have no shape in the 1:110m
// countries: the centroid of their shape in world-atlas's 1:50m countries, rounded to 0.01°
// (computed once with d3-geo's geoCentroid), except for archipelagos spread across thousands of
// kilometres (Kiribati, Micronesia, the Marshall Islands, Tuvalu, Tonga), placed at their
// capital. Kept as a table so that the map does not load the 1:50m atlas (about 750 KB).
export const SMALL_STATES: Record<string, [number, number]> = {
  AND: [1.56, 42.54], // Andorra
  ATG: [-61.79, 17.28], // Antigua and Barbuda
  BHR: [50.54, 26.04], // Bahrain
  BRB: [-59.56, 13.18], // Barbados
  COM: [43.68, -11.88], // Comoros
  CPV: [-23.96, 15.96], // Cabo Verde
  DMA: [-61.36, 15.44], // Dominica
  FSM: [158.16, 6.92], // Micronesia (Palikir)
  GRD: [-61.68, 12.12], // Grenada
  KIR: [172.98, 1.45], // Kiribati (South Tarawa)
  KNA: [-62.69, 17.26], // Saint Kitts and Nevis
  LCA: [-60.97, 13.89], // Saint Lucia
  LIE: [9.54, 47.14], // Liechtenstein
  MCO: [7.41, 43.75], // Monaco
  MDV: [73.46, 3.73], // Maldives
  MHL: [171.38, 7.09], // Marshall Islands (Majuro)
  MLT: [14.41, 35.92], // Malta
  MUS: [57.57, -20.28], // Mauritius
  NRU: [166.93, -0.52], // Nauru
  PLW: [134.41, 7.29], // Palau
  SGP: [103.82, 1.36], // Singapore
  SMR: [12.46, 43.94], // San Marino
  STP: [6.72, 0.44], // Sao Tome and Principe
  SYC: [55.48, -4.66], // Seychelles
  TON: [-175.2, -21.13], // Tonga (Nuku'alofa)
  TUV: [179.19, -8.52], // Tuvalu (Funafuti)
  VAT: [12.45, 41.9], // Holy See
  VCT: [-61.2, 13.23], // Saint Vincent and the Grenadines
  WSM: [-172.16, -13.75], // Samoa
};

type Countries = Topology<{ countries: GeometryCollection<{ name: string }> }>;
let fitted: { projection: GeoProjection; features: ReturnType<typeof load>['features'] } | null = null;

function load() {
  const topo = world as unknown as Countries;
  return feature(topo, topo.objects.countries);
}

// The projection is fitted to the whole world (Antarctica included, so the layout stays that of
// the Equal Earth world), then Antarctica is left out of the drawn shapes.
function setup(): { projection: GeoProjection; features: ReturnType<typeof load>['features'] } {
  if (fitted) return fitted;
  const fc = load();
  const projection = geoEqualEarth().fitExtent(
    [
      [4, 4],
      [WIDTH - 4, HEIGHT - 4],
    ],
    fc,
  );
  fitted = { projection, features: fc.features.filter((f) => f.properties?.name !== 'Antarctica') };
  return fitted;
}

export function countries(): Country[] {
  const { projection, features } = setup();
  const path = geoPath(projection);
  return features.map((f) => ({ m49: parseInt(String(f.id ?? ''), 10), name: f.properties?.name ?? '', d: path(f) ?? '' }));
}

// The SVG position of a small state's marker; null for a state not in SMALL_STATES.
export function markerAt(iso3: string): [number, number] | null {
  const at = SMALL_STATES[iso3];
  if (!at) return null;
  return setup().projection(at) ?? null;
}

// How a page paints one state: its fill (a colour, or url(#id) of one of the patterns), the text
// shown on hover and focus and read by screen readers, the value kept in data-value (for tests
// and tools), and what a click or Enter does.
export interface Paint {
  fill: string;
  label: string;
  value?: string | number;
  open?: () => void;
}

export interface WorldMapOptions {
  label: string; // the map's accessible name
  states: Iterable<{ iso3: string; m49?: string }>; // the states drawn (a shape by M49, else a dot)
  paint: (iso3: string) => Paint;
  noData: string; // the fill of shapes that are no state of the list
  // Hatched fills (stripes over a colour), for values told apart without colour: fill url(#id).
  patterns?: { id: string; color: string }[];
}

const NS = 'http://www.w3.org/2000/svg';

// The map: an SVG of every shape and of a dot for each state without one, with a tooltip; the
// element returned (class map-wrap) holds both. States are links (role link, Tab, Enter) when
// paint gives them an open().
export function worldMap(o: WorldMapOptions): HTMLElement {
  const list = [...o.states];
  const byM49 = new Map<number, string>();
  for (const s of list) if (s.m49) byM49.set(parseInt(s.m49, 10), s.iso3);
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('class', 'world');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', o.label);
  if (o.patterns?.length) {
    const defs = document.createElementNS(NS, 'defs');
    for (const p of o.patterns) {
      const pattern = document.createElementNS(NS, 'pattern');
      pattern.setAttribute('id', p.id);
      pattern.setAttribute('patternUnits', 'userSpaceOnUse');
      pattern.setAttribute('width', '4');
      pattern.setAttribute('height', '4');
      pattern.setAttribute('patternTransform', 'rotate(45)');
      const bg = document.createElementNS(NS, 'rect');
      bg.setAttribute('width', '4');
      bg.setAttribute('height', '4');
      bg.setAttribute('fill', p.color);
      const stripe = document.createElementNS(NS, 'rect');
      stripe.setAttribute('width', '1.5');
      stripe.setAttribute('height', '4');
      stripe.setAttribute('fill', 'rgba(255,255,255,0.65)');
      pattern.append(bg, stripe);
      defs.appendChild(pattern);
    }
    svg.appendChild(defs);
  }
  const tip = document.createElement('div');
  tip.className = 'map-tip';
  tip.setAttribute('role', 'status');
  tip.setAttribute('aria-live', 'polite');
  tip.hidden = true;
  const wrap = document.createElement('div');
  wrap.className = 'map-wrap';
  const bind = (el: SVGElement, iso: string | undefined): void => {
    if (!iso) {
      el.setAttribute('fill', o.noData);
      return;
    }
    const p = o.paint(iso);
    el.setAttribute('fill', p.fill);
    el.setAttribute('data-iso3', iso);
    if (p.value !== undefined) el.setAttribute('data-value', String(p.value));
    el.setAttribute('tabindex', '0');
    if (p.open) el.setAttribute('role', 'link');
    el.setAttribute('aria-label', p.label);
    const title = document.createElementNS(NS, 'title');
    title.textContent = p.label;
    el.appendChild(title);
    const show = (ev?: MouseEvent): void => {
      tip.textContent = p.label;
      tip.hidden = false;
      if (ev) {
        const b = wrap.getBoundingClientRect();
        tip.style.left = `${Math.min(ev.clientX - b.left + 12, b.width - 180)}px`;
        tip.style.top = `${ev.clientY - b.top + 12}px`;
      } else {
        tip.style.left = '8px';
        tip.style.top = '8px';
      }
    };
    el.addEventListener('mousemove', (ev) => show(ev as MouseEvent));
    el.addEventListener('focus', () => show());
    el.addEventListener('mouseleave', () => (tip.hidden = true));
    el.addEventListener('blur', () => (tip.hidden = true));
    const open = p.open;
    if (!open) return;
    el.addEventListener('click', open);
    el.addEventListener('keydown', (ev) => {
      if ((ev as KeyboardEvent).key === 'Enter') open();
    });
  };
  const shaped = new Set<string>();
  for (const c of countries()) {
    const iso = byM49.get(c.m49);
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', c.d);
    path.setAttribute('class', 'country');
    bind(path, iso);
    if (iso) shaped.add(iso);
    svg.appendChild(path);
  }
  // Every other state of the list as a marker where it lies; drawn last, so on top.
  for (const s of list) {
    if (shaped.has(s.iso3)) continue;
    const at = markerAt(s.iso3);
    if (!at) continue;
    const dot = document.createElementNS(NS, 'circle');
    dot.setAttribute('cx', at[0].toFixed(1));
    dot.setAttribute('cy', at[1].toFixed(1));
    dot.setAttribute('r', '4');
    dot.setAttribute('class', 'country marker');
    bind(dot, s.iso3);
    svg.appendChild(dot);
  }
  wrap.append(svg as unknown as HTMLElement, tip);
  return wrap;
}
