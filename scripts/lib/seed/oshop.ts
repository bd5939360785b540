import { Random } from './random';

/** Full-scale sizes of the shop data set (DESIGN.md); --scale multiplies them. */
export const FULL_SCALE = { purchases: 100_000, customers: 10_000, products: 2_000, sellers: 300 };

export interface ShopData {
  customers: { customerid: number; name: string; address: string }[];
  sellers: { sellerid: number; telnumber: string }[];
  products: { productid: number; productname: string; price: number; sellerid: number }[];
  /** One row per purchased line, in purchase id order. */
  purchaseLines: {
    purchaseid: number;
    purchaseseq: number;
    customerid: number;
    productid: number;
    quantity: number;
    purchasedate: Date;
  }[];
  purchaseCount: number;
}

const FIRST = [
  'Mary',
  'James',
  'Min-jun',
  'Seo-yeon',
  'Olivia',
  'Noah',
  'Ji-ho',
  'Emma',
  'Liam',
  'Ha-eun',
  'Ava',
  'Lucas',
];
const LAST = [
  'Schaefer',
  'Kim',
  'Lee',
  'Park',
  'Smith',
  'Garcia',
  'Choi',
  'Jung',
  'Brown',
  'Kang',
  'Miller',
  'Yoon',
];
const STREETS = [
  'Teheran-ro',
  'Main St',
  'Gangnam-daero',
  'Oak Ave',
  'Sejong-daero',
  'Pine Rd',
  'Olympic-ro',
];
const CITIES = ['Seoul', 'Busan', 'Seattle', 'Incheon', 'Portland', 'Daegu', 'Austin'];
const ADJECTIVES = ['Wireless', 'Compact', 'Organic', 'Smart', 'Classic', 'Ultra', 'Eco', 'Pro'];
const NOUNS = [
  'Headphones',
  'Coffee Beans',
  'Keyboard',
  'Backpack',
  'Game Pad',
  'Desk Lamp',
  'Sneakers',
  'Blender',
];
/** Lines per purchase: 1 to 6, about one purchase in five with more than three. */
const LINE_WEIGHTS = [0.3, 0.26, 0.24, 0.1, 0.06, 0.04];
const FIRST_DATE = Date.UTC(2016, 0, 1);
const LAST_DATE = Date.UTC(2019, 11, 31, 23, 59, 59);

export function scaled(full: number, scale: number, min: number): number {
  return Math.max(min, Math.round(full * scale));
}

function lineCount(random: Random): number {
  let r = random.next();
  for (let i = 0; i < LINE_WEIGHTS.length; i++) {
    r -= LINE_WEIGHTS[i] as number;
    if (r < 0) return i + 1;
  }
  return LINE_WEIGHTS.length;
}

/**
 * The shop data set at a scale: every customer has at least one purchase, purchase ids
 * grow with purchase dates (seconds precision), and some purchases have 4 to 6 lines.
 */
export function generateShop(scale: number, random = new Random()): ShopData {
  const purchaseCount = scaled(FULL_SCALE.purchases, scale, 10);
  const customerCount = Math.min(purchaseCount, scaled(FULL_SCALE.customers, scale, 3));
  const productCount = scaled(FULL_SCALE.products, scale, 12);
  const sellerCount = scaled(FULL_SCALE.sellers, scale, 4);

  const customers = Array.from({ length: customerCount }, (_, i) => ({
    customerid: i + 1,
    name: i === 0 ? 'Mary Schaefer' : `${random.pick(FIRST)} ${random.pick(LAST)}`,
    address: `${random.int(1, 999)} ${random.pick(STREETS)}, ${random.pick(CITIES)}`,
  }));
  const sellers = Array.from({ length: sellerCount }, (_, i) => ({
    sellerid: i + 1,
    telnumber: `02-${random.int(200, 999)}-${String(random.int(0, 9999)).padStart(4, '0')}`,
  }));
  const products = Array.from({ length: productCount }, (_, i) => ({
    productid: i + 1,
    productname: `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${String.fromCharCode(65 + (i % 26))}${i + 1}`,
    price: random.int(100, 50_000) / 100,
    sellerid: random.int(1, sellerCount),
  }));

  // Purchase dates ascending, so purchase ids follow time.
  const dates = Array.from(
    { length: purchaseCount },
    () => Math.floor((FIRST_DATE + random.next() * (LAST_DATE - FIRST_DATE)) / 1000) * 1000,
  ).sort((a, b) => a - b);
  // Each customer gets one purchase at a random place in time; the rest go to anyone.
  const owner = Array.from({ length: purchaseCount }, (_, i) =>
    i < customerCount ? i + 1 : random.int(1, customerCount),
  );
  for (let i = owner.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [owner[i], owner[j]] = [owner[j] as number, owner[i] as number];
  }

  const purchaseLines: ShopData['purchaseLines'] = [];
  for (let p = 0; p < purchaseCount; p++) {
    const purchasedate = new Date(dates[p] as number);
    const lines = lineCount(random);
    for (let seq = 1; seq <= lines; seq++) {
      purchaseLines.push({
        purchaseid: p + 1,
        purchaseseq: seq,
        customerid: owner[p] as number,
        productid: random.int(1, productCount),
        quantity: random.int(1, 5),
        purchasedate,
      });
    }
  }
  return { customers, sellers, products, purchaseLines, purchaseCount };
}
