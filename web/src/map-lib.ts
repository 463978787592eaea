// The world map's heavy parts, loaded with import() by the map page only: the Natural Earth
// 1:110m countries (world-atlas TopoJSON, ids are ISO 3166-1 numeric = UN M49 codes),
// topojson-client to turn them into GeoJSON, and d3-geo to project them into SVG paths; and the
// places of the states too small to have a shape at that scale, drawn as markers.
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
