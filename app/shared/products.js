// The products and prices both apps know: the storefront's built-in catalogue and what the catalogue API
// serves, so the shop looks the same with or without the API. Static on purpose: the apps exist to
// exercise releases, not a database. Prices are in cents.

const products = [
  {
    id: 'espresso-cup',
    name: 'Espresso cup',
    price: 1200,
    colour: '#8d5524',
    blurb: 'Thick porcelain that keeps a double shot hot.'
  },
  {
    id: 'pour-over',
    name: 'Pour-over dripper',
    price: 2900,
    colour: '#c68642',
    blurb: 'Ceramic cone with spiral ribs for an even extraction.'
  },
  {
    id: 'grinder',
    name: 'Hand grinder',
    price: 8900,
    colour: '#3d3d3d',
    blurb: 'Steel burrs, 40 click settings from espresso to cold brew.'
  },
  {
    id: 'kettle',
    name: 'Gooseneck kettle',
    price: 5400,
    colour: '#2e6f95',
    blurb: 'A slow, steady pour and a thermometer in the lid.'
  },
  {
    id: 'beans',
    name: 'House blend, 1 kg',
    price: 2400,
    colour: '#5b3a29',
    blurb: 'Roasted on Mondays. Chocolate, hazelnut, a little cherry.'
  },
  {
    id: 'scale',
    name: 'Brew scale',
    price: 3900,
    colour: '#6b8e23',
    blurb: 'Weighs to 0.1 g and times the brew.'
  }
];

const byId = new Map(products.map((product) => [product.id, product]));

export function listProducts() {
  return products;
}

export function findProduct(id) {
  return byId.get(id);
}
