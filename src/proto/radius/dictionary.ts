/**
 * Attribute numbers we use by number (decoding is ours), and the Microsoft
 * vendor-311 dictionary (RFC 2548) handed to the `radius` codec for encoding
 * and for naming attributes in `debug radius`.
 */

export const VENDOR_MICROSOFT = 311;

export const Attr = {
  UserName: 1,
  UserPassword: 2,
  ChapPassword: 3,
  NasIpAddress: 4,
  NasPort: 5,
  ServiceType: 6,
  FramedProtocol: 7,
  FramedIpAddress: 8,
  ReplyMessage: 18,
  State: 24,
  Class: 25,
  VendorSpecific: 26,
  SessionTimeout: 27,
  IdleTimeout: 28,
  CalledStationId: 30,
  CallingStationId: 31,
  NasIdentifier: 32,
  ProxyState: 33,
  AcctStatusType: 40,
  AcctDelayTime: 41,
  AcctInputOctets: 42,
  AcctOutputOctets: 43,
  AcctSessionId: 44,
  AcctAuthentic: 45,
  AcctSessionTime: 46,
  AcctInputPackets: 47,
  AcctOutputPackets: 48,
  AcctTerminateCause: 49,
  AcctInputGigawords: 52,
  AcctOutputGigawords: 53,
  EventTimestamp: 55,
  ChapChallenge: 60,
  NasPortType: 61,
  AcctInterimInterval: 85,
  NasPortId: 87,
  FramedPool: 88,
  MessageAuthenticator: 80,
  ErrorCause: 101,
} as const;

export const MsAttr = {
  ChapResponse: 1,
  ChapError: 2,
  MppeEncryptionPolicy: 7,
  MppeEncryptionTypes: 8,
  ChapChallenge: 11,
  ChapMppeKeys: 12,
  MppeSendKey: 16,
  MppeRecvKey: 17,
  Chap2Response: 25,
  Chap2Success: 26,
} as const;

export const Code = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  StatusServer: 12,
  DisconnectRequest: 40,
  DisconnectAck: 41,
  DisconnectNak: 42,
  CoaRequest: 43,
  CoaAck: 44,
  CoaNak: 45,
} as const;

export const CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'Access-Request',
  2: 'Access-Accept',
  3: 'Access-Reject',
  4: 'Accounting-Request',
  5: 'Accounting-Response',
  11: 'Access-Challenge',
  12: 'Status-Server',
  40: 'Disconnect-Request',
  41: 'Disconnect-ACK',
  42: 'Disconnect-NAK',
  43: 'CoA-Request',
  44: 'CoA-ACK',
  45: 'CoA-NAK',
};

/** RFC 2866 5.10 Acct-Terminate-Cause values we produce. */
export const TerminateCause = {
  'User-Request': 1,
  'Lost-Carrier': 2,
  'Lost-Service': 3,
  'Idle-Timeout': 4,
  'Session-Timeout': 5,
  'Admin-Reset': 6,
  'Admin-Reboot': 7,
  'Port-Error': 8,
  'NAS-Error': 9,
  'NAS-Request': 10,
  'NAS-Reboot': 11,
  'Port-Unneeded': 12,
  'Port-Preempted': 13,
  'Port-Suspended': 14,
  'Service-Unavailable': 15,
  Callback: 16,
  'User-Error': 17,
  'Host-Request': 18,
} as const;
export type TerminateCauseName = keyof typeof TerminateCause;

/** RFC 5176 3.5 Error-Cause values we send. */
export const ErrorCause = {
  ResidualContextRemoved: 201,
  UnsupportedAttribute: 401,
  MissingAttribute: 402,
  NasIdentificationMismatch: 403,
  InvalidRequest: 404,
  UnsupportedService: 405,
  SessionContextNotFound: 503,
  SessionContextNotRemovable: 504,
  ResourcesUnavailable: 506,
} as const;

/** RFC 2548 in FreeRADIUS dictionary syntax (the subset PPTP needs, plus naming). */
export const MICROSOFT_DICTIONARY = `
VENDOR		Microsoft			311
BEGIN-VENDOR	Microsoft
ATTRIBUTE	MS-CHAP-Response			1	octets
ATTRIBUTE	MS-CHAP-Error				2	octets
ATTRIBUTE	MS-CHAP-CPW-1				3	octets
ATTRIBUTE	MS-CHAP-CPW-2				4	octets
ATTRIBUTE	MS-CHAP-LM-Enc-PW			5	octets
ATTRIBUTE	MS-CHAP-NT-Enc-PW			6	octets
ATTRIBUTE	MS-MPPE-Encryption-Policy		7	integer
ATTRIBUTE	MS-MPPE-Encryption-Types		8	integer
ATTRIBUTE	MS-RAS-Vendor				9	integer
ATTRIBUTE	MS-CHAP-Domain				10	string
ATTRIBUTE	MS-CHAP-Challenge			11	octets
ATTRIBUTE	MS-CHAP-MPPE-Keys			12	octets
ATTRIBUTE	MS-BAP-Usage				13	integer
ATTRIBUTE	MS-Link-Utilization-Threshold		14	integer
ATTRIBUTE	MS-Link-Drop-Time-Limit			15	integer
ATTRIBUTE	MS-MPPE-Send-Key			16	octets
ATTRIBUTE	MS-MPPE-Recv-Key			17	octets
ATTRIBUTE	MS-RAS-Version				18	string
ATTRIBUTE	MS-Old-ARAP-Password			19	octets
ATTRIBUTE	MS-New-ARAP-Password			20	octets
ATTRIBUTE	MS-ARAP-PW-Change-Reason		21	integer
ATTRIBUTE	MS-Filter				22	octets
ATTRIBUTE	MS-Acct-Auth-Type			23	integer
ATTRIBUTE	MS-Acct-EAP-Type			24	integer
ATTRIBUTE	MS-CHAP2-Response			25	octets
ATTRIBUTE	MS-CHAP2-Success			26	octets
ATTRIBUTE	MS-CHAP2-CPW				27	octets
ATTRIBUTE	MS-Primary-DNS-Server			28	ipaddr
ATTRIBUTE	MS-Secondary-DNS-Server			29	ipaddr
ATTRIBUTE	MS-Primary-NBNS-Server			30	ipaddr
ATTRIBUTE	MS-Secondary-NBNS-Server		31	ipaddr
END-VENDOR	Microsoft
`;

/** Attributes whose value never appears in debug output. */
export const SECRET_ATTRIBUTES: ReadonlySet<number> = new Set([Attr.UserPassword, Attr.ChapPassword, Attr.MessageAuthenticator]);
export const SECRET_MS_ATTRIBUTES: ReadonlySet<number> = new Set([
  MsAttr.ChapResponse,
  MsAttr.ChapMppeKeys,
  MsAttr.MppeSendKey,
  MsAttr.MppeRecvKey,
  MsAttr.Chap2Response,
  3,
  4,
  5,
  6,
  27,
]);
