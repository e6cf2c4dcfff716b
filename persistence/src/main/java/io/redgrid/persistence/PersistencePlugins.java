package io.redgrid.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Akka configuration defaults of RedGrid's persistence plugins. */
public final class PersistencePlugins {
  /** Config path of the AOF journal plugin. */
  public static final String AOF_JOURNAL = "redgrid.aof-journal";

  private PersistencePlugins() {}

  /** The plugins' defaults; a node uses them as a fallback below its own settings. */
  public static Config akkaDefaults() {
    return ConfigFactory.parseResources(PersistencePlugins.class, "/redgrid-persistence.conf");
  }
}
