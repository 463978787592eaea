// The world map's heavy parts, loaded with import() by the map page only: the Natural Earth
// 1:110m countries (world-atlas TopoJSON, ids are ISO 3166-1 numeric = UN M49 codes),
// topojson-client to turn them into GeoJSON, and d3-geo to project them into SVG paths.
import { geoEqualEarth, geoPath } from 'd3-geo';
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

export function countries(): Country[] {
  const topo = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const fc = feature(topo, topo.objects.countries);
  const projection = geoEqualEarth().fitExtent(
    [
      [4, 4],
      [WIDTH - 4, HEIGHT - 4],
    ],
    fc,
  );
  const path = geoPath(projection);
  return fc.features
    .filter((f) => f.properties?.name !== 'Antarctica')
    .map((f) => ({ m49: parseInt(String(f.id ?? ''), 10), name: f.properties?.name ?? '', d: path(f) ?? '' }));
}
