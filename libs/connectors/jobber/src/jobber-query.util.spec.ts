import { fitPageSize, renderSelection, selectionCost, type JobberSelection } from './jobber-query.util';

describe('Jobber selections', () => {
  const clients: JobberSelection = [
    {
      name: 'clients',
      first: '$first',
      args: 'after: $after',
      nodes: [
        'id',
        { name: 'emails', fields: ['address'] },
        { name: 'clientProperties', first: 5, nodes: ['id'] },
      ],
    },
  ];

  it('renders GraphQL with nodes and page info', () => {
    expect(renderSelection(clients)).toBe(
      'clients(first: $first, after: $after) { nodes { id emails { address } clientProperties(first: 5) { nodes { id } pageInfo { hasNextPage endCursor } } } pageInfo { hasNextPage endCursor } }',
    );
  });

  it('prices a query as Jobber does: 1 per field, connections × first, nested ones multiplied again', () => {
    // node: id 1 + emails (1 + 1) + clientProperties (1 + 5 × (1 + 3 pageInfo)) = 24; + pageInfo 3
    expect(selectionCost(clients, 10)).toBe(1 + 10 * (24 + 3));
    expect(selectionCost(['id', { name: 'client', fields: ['id'] }], 50)).toBe(3);
  });

  it('fits the largest page size within the budget, at most 100', () => {
    expect(fitPageSize(clients, 1_000)).toBe(37); // 1 + 37 × 27 = 1,000
    expect(selectionCost(clients, 38)).toBeGreaterThan(1_000);
    expect(fitPageSize([{ name: 'users', first: '$first', nodes: ['id'] }], 10_000)).toBe(100);
    expect(() => fitPageSize(clients, 20)).toThrow(/over the budget of 20/);
  });
});
