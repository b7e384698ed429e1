// Where a quote sits in its document (issue 18): "第 3 页 第 2 段" for a PDF (page, and the
// paragraph within that page), "第 12 段" (the passage in the whole text) for formats without pages.

/** The provenance fields the label needs, for a GraphQL selection. */
export const PLACE_FIELDS = 'passage page pageParagraph';

/** The location label of a provenance record. */
export function passageLabel(s) {
  if (s.page != null && s.pageParagraph != null) return `第 ${s.page} 页 第 ${s.pageParagraph} 段`;
  if (s.page != null) return `第 ${s.page} 页`;
  return `第 ${s.passage + 1} 段`;
}
