package io.redgrid.protocol;

/** Size limits the request parser enforces, mirroring Redis' proto-max-bulk-len and friends. */
public record RespLimits(long maxBulkLength, int maxMultibulkLength, int maxInlineLength) {

    /** Redis 7.0 defaults: 512 MB bulks, 1M arguments, 64 KB inline lines and length lines. */
    public static final RespLimits DEFAULT = new RespLimits(512L * 1024 * 1024, 1024 * 1024, 64 * 1024);

    public RespLimits {
        if (maxBulkLength < 0 || maxMultibulkLength < 0 || maxInlineLength < 1) {
            throw new IllegalArgumentException("invalid limits: bulk=" + maxBulkLength
                    + " multibulk=" + maxMultibulkLength + " inline=" + maxInlineLength);
        }
    }

    /** These limits with another maximum bulk length, for the proto-max-bulk-len directive. */
    public RespLimits withMaxBulkLength(long maxBulkLength) {
        return new RespLimits(maxBulkLength, maxMultibulkLength, maxInlineLength);
    }
}
