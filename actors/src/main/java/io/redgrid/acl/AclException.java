package io.redgrid.acl;

/** A rule Redis refuses, with the reason as ACL SETUSER reports it after the modifier. */
public final class AclException extends Exception {
  public AclException(String reason) {
    super(reason, null, false, false);
  }

  static final String SYNTAX = "Syntax error";
  static final String UNKNOWN = "Unknown command or category name in ACL";
}
