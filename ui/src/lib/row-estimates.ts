// How tall a conversation's rows are likely to be before they are rendered and measured
// (the windowed view sizes the space of unrendered rows from these). A close guess means
// little correction when a row is measured; a wrong one is corrected without a visible
// jump (virtual-window.ts keeps what is on screen in place). The figures follow the CSS
// of MessageBubble and ConversationView.
import type { Message, Part } from "./backend";
import { outState } from "./format";

/** Thumbnail box: at the image's aspect ratio, at most 240 wide and 260 tall. */
export function thumbnailBox(p: Part): { w: number; h: number } {
  const w = p.width ?? 240;
  const h = p.height ?? 180;
  const scale = Math.min(240 / w, 260 / h, 1);
  return { w: Math.max(48, Math.round(w * scale)), h: Math.max(48, Math.round(h * scale)) };
}

/** A day separator row. */
export const DAY_ROW_HEIGHT = 36;

const LINE = 19.6; // body: 14px at line-height 1.4
const CHAR = 7.2; // an average character of the body font, px

/**
 * A message row's likely height when the list is `width` px wide: the bubble (padding,
 * subject, media, text wrapped at ~72% of the width), its time line, the author line the
 * first of a run shows in a group, and a failed message's reason.
 */
export function estimateMessageHeight(
  m: Message,
  { showAuthor, group, width }: { showAuthor: boolean; group: boolean; width: number },
): number {
  const inner = Math.max(80, width * 0.72 - 24);
  const perLine = Math.max(8, Math.floor(inner / CHAR));
  const blocks: number[] = [];
  if (m.subject) blocks.push(LINE);
  for (const p of m.parts) {
    if (p.display === "image") blocks.push(thumbnailBox(p).h);
    else if (p.display === "video") blocks.push(150);
    else if (p.display === "audio") blocks.push(54);
    else blocks.push(52);
  }
  if (m.body) {
    let lines = 0;
    for (const para of m.body.split("\n")) lines += Math.max(1, Math.ceil(para.length / perLine));
    blocks.push(lines * LINE);
  }
  // Bubble padding 16, gaps of 6 between blocks, the time line 17, margins 4.
  let h = 16 + blocks.reduce((a, b) => a + b, 0) + Math.max(0, blocks.length - 1) * 6 + 17 + 4;
  if (showAuthor && group && m.direction === "in") h += 22;
  if (m.direction === "out" && outState(m) === "failed") h += 22;
  if (m.direction === "out" && m.deliveries.length > 1) h += 18;
  return Math.round(h);
}
