/** The phases of a PPP link, RFC 1661 section 3.2 (session.ts walks them; the debug layer names them). */
export type PppPhase = 'dead' | 'establish' | 'authenticate' | 'network' | 'terminate';
