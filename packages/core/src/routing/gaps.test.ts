import { describe, expect, it } from 'vitest';
import { detectGapAreas, gapAreaFor, gapAreaOfCapability } from './gaps.js';

describe('detectGapAreas', () => {
  it.each([
    ['Please review this NDA before Friday', 'legal'],
    ['translate the onboarding guide into German', 'localization'],
    ['we need someone to qualify inbound leads', 'sales'],
    ['answer the support tickets from customers', 'customer_support'],
    ['run a penetration test on staging', 'security'],
    ['design a logo for the hackathon', 'design'],
    ['check our health claims with a clinician', 'medical'],
    ['respond to the city tender', 'procurement'],
  ])('should find the gap area of %j', (text, area) => {
    expect(detectGapAreas(text)[0]?.area).toBe(area);
  });

  it('should ignore a single weak word', () => {
    expect(detectGapAreas('check the pay gap in the support team')).toEqual([]);
    expect(detectGapAreas('renew the contract with our cleaners')).toEqual([]);
  });
});

describe('gapAreaFor', () => {
  it('should give the capability to build and the label of a step when a text names a gap area', () => {
    expect(gapAreaFor('translate the product docs')).toEqual({
      area: 'localization',
      capability: 'localization',
      label: 'localization',
    });
    expect(gapAreaFor('get the trademark registered')?.capability).toBe('legal_review');
    expect(gapAreaFor('respond to the city tender')?.label).toBe('procurement');
  });

  it('should find no area when the text only names work the workforce does', () => {
    expect(gapAreaFor('write a blog post about the launch')).toBeNull();
  });
});

describe('gapAreaOfCapability', () => {
  it('should find the area of its own capability and of capability words', () => {
    expect(gapAreaOfCapability('security_audit')?.area).toBe('security');
    expect(gapAreaOfCapability('medical_review')?.label).toBe('medical');
    expect(gapAreaOfCapability('penetration_testing')?.area).toBe('security');
    expect(gapAreaOfCapability('blog_writing')).toBeNull();
  });
});
