package io.redgrid.rdb;

/** The constants of Redis 7.0's rdb.h that RedGrid reads or writes. */
final class Rdb {
  /** RDB_VERSION of Redis 7.0: the version RedGrid writes and the newest it reads. */
  static final int VERSION = 10;
  static final String REDIS_VERSION = "7.0.15";

  static final int TYPE_STRING = 0;
  static final int TYPE_LIST = 1;
  static final int TYPE_SET = 2;
  static final int TYPE_ZSET = 3;
  static final int TYPE_HASH = 4;
  static final int TYPE_ZSET_2 = 5;
  static final int TYPE_MODULE_PRE_GA = 6;
  static final int TYPE_MODULE_2 = 7;
  static final int TYPE_HASH_ZIPMAP = 9;
  static final int TYPE_LIST_ZIPLIST = 10;
  static final int TYPE_SET_INTSET = 11;
  static final int TYPE_ZSET_ZIPLIST = 12;
  static final int TYPE_HASH_ZIPLIST = 13;
  static final int TYPE_LIST_QUICKLIST = 14;
  static final int TYPE_STREAM_LISTPACKS = 15;
  static final int TYPE_HASH_LISTPACK = 16;
  static final int TYPE_ZSET_LISTPACK = 17;
  static final int TYPE_LIST_QUICKLIST_2 = 18;
  static final int TYPE_STREAM_LISTPACKS_2 = 19;
  static final int TYPE_SET_LISTPACK = 20;
  static final int TYPE_STREAM_LISTPACKS_3 = 21;

  static final int OPCODE_FUNCTION2 = 245;
  static final int OPCODE_FUNCTION_PRE_GA = 246;
  static final int OPCODE_MODULE_AUX = 247;
  static final int OPCODE_IDLE = 248;
  static final int OPCODE_FREQ = 249;
  static final int OPCODE_AUX = 250;
  static final int OPCODE_RESIZEDB = 251;
  static final int OPCODE_EXPIRETIME_MS = 252;
  static final int OPCODE_EXPIRETIME = 253;
  static final int OPCODE_SELECTDB = 254;
  static final int OPCODE_EOF = 255;

  /** Length prefixes: two top bits 00 = 6-bit, 01 = 14-bit, 0x80/0x81 = 32/64-bit, 11 = encoded. */
  static final int LEN_6BIT = 0;
  static final int LEN_14BIT = 1;
  static final int LEN_32BIT = 0x80;
  static final int LEN_64BIT = 0x81;
  static final int LEN_ENCVAL = 3;
  static final int ENC_INT8 = 0;
  static final int ENC_INT16 = 1;
  static final int ENC_INT32 = 2;
  static final int ENC_LZF = 3;

  /** Quicklist 2 node containers. */
  static final int QUICKLIST_NODE_PLAIN = 1;
  static final int QUICKLIST_NODE_PACKED = 2;

  private Rdb() {}

  /** The name of a type RedGrid refuses, for the error message; null when it is supported. */
  static String unsupportedTypeName(int type) {
    return switch (type) {
      case TYPE_MODULE_PRE_GA, TYPE_MODULE_2 -> "module";
      case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3 -> "stream";
      default -> null;
    };
  }
}
