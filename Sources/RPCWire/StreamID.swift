/// Names the call a frame belongs to; 0 is the connection itself.
///
/// Clients open calls on odd ids that only increase; even ids are reserved. The top bit is
/// reserved and must be zero, so ids run from 1 to 2^31-1.
package struct StreamID: Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// The 32-bit value as it travels in the frame header.
    package var rawValue: UInt32

    /// Wraps a raw id without checking it; validation happens where frames are received.
    package init(_ rawValue: UInt32) { self.rawValue = rawValue }

    package init(integerLiteral value: UInt32) { self.rawValue = value }

    /// Stream id 0: frames about the whole connection (SETTINGS, PING, PONG, GOAWAY).
    package static let connection = StreamID(0)
    /// The largest usable id; a client that reaches it opens a new connection.
    package static let max = StreamID(0x7FFF_FFFF)

    /// True for stream id 0.
    package var isConnection: Bool { rawValue == 0 }
    /// True for the odd ids clients open calls on.
    package var isClientInitiated: Bool { rawValue & 1 == 1 }
    /// True when the reserved top bit is set (never valid on the wire).
    package var hasReservedBit: Bool { rawValue & 0x8000_0000 != 0 }

    package static func < (lhs: StreamID, rhs: StreamID) -> Bool { lhs.rawValue < rhs.rawValue }

    package var description: String { String(rawValue) }
}
