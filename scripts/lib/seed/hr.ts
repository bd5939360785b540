import type { ArchivedCallRow } from '#shared/crm/service-history';
import { Random } from './random';

/**
 * The CRM data set (schema `hr`) of DESIGN.md. Small enough to load whole in every
 * environment, so it has no scale: exactly 4,286 calls before 2019-01-01 (the oldest on
 * 2016-08-19, the newest on 2018-12-31), 714 from 2019-01-01 on, one of them at exactly
 * midnight so the cut-off is tested at its edge.
 */
export const CRM = {
  /** Customers with archived calls; every one has at least one call before the cut-off. */
  archivedCustomers: 1000,
  /** Customers who joined in 2019: calls after the cut-off only (no archived history). */
  newCustomers: 20,
  callsBeforeCutoff: 4286,
  callsAfterCutoff: 714,
  oldestCall: Date.UTC(2016, 7, 19, 9, 12, 0),
  newestArchivedCall: Date.UTC(2018, 11, 31, 23, 59, 59),
  cutoff: Date.UTC(2019, 0, 1),
  lastCall: Date.UTC(2019, 11, 31, 18, 0, 0),
  /** The customer whose first call holds pasted markup (the workshop's page ran it). */
  markupCustomer: 2,
} as const;

/** Pasted into a call by an agent: it must show as text on every report page. */
export const MARKUP_DETAILS =
  'Customer pasted this from the checkout error page:\n' +
  '<script>alert("xss")</script>\n' +
  'and the address field showed: "><img src=x onerror=alert(1)>\n' +
  "Agent note: escalated to web team & closed as 'not a bug'.";

/** Rows of hr.customers and hr.customer_service_history, the columns of the legacy JOIN. */
export interface CrmData {
  customers: Pick<ArchivedCallRow, 'cust_id' | 'name' | 'email' | 'phone_number' | 'address' | 'royalty'>[];
  /** In csh_id order, which is call_date order (ids come from a sequence at call time). */
  calls: Pick<ArchivedCallRow, 'csh_id' | 'cust_id' | 'call_date' | 'details'>[];
}

const FIRST = ['Mary', 'James', 'Min-jun', 'Seo-yeon', 'Olivia', 'Noah', 'Ji-ho', 'Emma', 'Liam', 'Ha-eun'];
const LAST = ['Schaefer', 'Kim', 'Lee', 'Park', "O'Brien", 'Garcia', 'Choi', 'Jung', 'Brown', 'Kang'];
const STREETS = ['Teheran-ro', 'Main St', 'Gangnam-daero', 'Oak Ave', 'Sejong-daero', 'Pine Rd'];
const CITIES = ['Seoul', 'Busan', 'Seattle', 'Incheon', 'Portland', 'Daegu'];
const ROYALTY = ['Bronze', 'Silver', 'Gold', 'Platinum'];
const TOPICS = [
  ['Late delivery', 'Courier delayed at the hub; re-dispatched with express shipping.'],
  ['Damaged item', 'Photos received. Replacement sent, return label emailed.'],
  ['Refund request', 'Refund approved to the original card (3-5 business days).'],
  ['Password reset', 'Identity verified by phone; reset link sent.'],
  ['Change of address', 'Address updated for future orders; open order unaffected.'],
  ['Warranty claim', 'Within warranty. Repair ticket opened with the seller.'],
  ['Billing question', 'Explained the split charge: two sellers, two charges.'],
  ['배송 지연 문의', '택배사 확인 후 내일 도착 예정으로 안내함.'],
] as const;

/** Uniform instants (whole seconds) strictly between two bounds, ascending. */
function instantsBetween(random: Random, count: number, from: number, to: number): number[] {
  return Array.from(
    { length: count },
    () => Math.floor((from + 1000 + random.next() * (to - from - 2000)) / 1000) * 1000,
  ).sort((a, b) => a - b);
}

function details(random: Random, orderNo: number): string {
  const [issue, resolution] = random.pick(TOPICS);
  const lines = [`Order #${orderNo}: ${issue}`, `Resolution: ${resolution}`];
  if (random.next() < 0.3) lines.push(`Follow-up: customer says "thanks" & will call back if needed.`);
  return lines.join('\n');
}

/** The CRM data set, the same on every machine (fixed PRNG seed). */
export function generateCrm(random = new Random(20160819)): CrmData {
  const customerCount = CRM.archivedCustomers + CRM.newCustomers;
  const customers = Array.from({ length: customerCount }, (_, i) => {
    const id = i + 1;
    const name = id === 1 ? 'Mary Schaefer' : `${random.pick(FIRST)} ${random.pick(LAST)}`;
    return {
      cust_id: id,
      name,
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${id}@example.com`,
      phone_number: `010-${random.int(1000, 9999)}-${String(random.int(0, 9999)).padStart(4, '0')}`,
      address: `${random.int(1, 999)} ${random.pick(STREETS)}, ${random.pick(CITIES)}`,
      royalty: random.pick(ROYALTY),
    };
  });

  // Before the cut-off: the oldest and newest fixed, the rest in between.
  const before = [
    CRM.oldestCall,
    ...instantsBetween(random, CRM.callsBeforeCutoff - 2, CRM.oldestCall, CRM.newestArchivedCall),
    CRM.newestArchivedCall,
  ];
  // From the cut-off on: one at exactly midnight, the rest later in 2019.
  const after = [CRM.cutoff, ...instantsBetween(random, CRM.callsAfterCutoff - 1, CRM.cutoff, CRM.lastCall)];

  // Every archived customer gets one call at a random place in time; the rest go to anyone.
  const ownersBefore = Array.from({ length: before.length }, (_, i) =>
    i < CRM.archivedCustomers ? i + 1 : random.int(1, CRM.archivedCustomers),
  );
  for (let i = ownersBefore.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [ownersBefore[i], ownersBefore[j]] = [ownersBefore[j] as number, ownersBefore[i] as number];
  }
  const ownersAfter = after.map(() => random.int(1, customerCount));

  const calls: CrmData['calls'] = [];
  let markupPlaced = false;
  [...before, ...after].forEach((instant, i) => {
    const custId = (i < before.length ? ownersBefore[i] : ownersAfter[i - before.length]) as number;
    let text = details(random, 100_000 + i * 7);
    if (!markupPlaced && custId === CRM.markupCustomer) {
      text = MARKUP_DETAILS;
      markupPlaced = true;
    }
    calls.push({ csh_id: i + 1, cust_id: custId, call_date: new Date(instant), details: text });
  });
  return { customers, calls };
}
