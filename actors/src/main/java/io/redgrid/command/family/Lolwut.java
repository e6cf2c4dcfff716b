package io.redgrid.command.family;

import io.redgrid.server.Version;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The art of LOLWUT: version 5 draws Georg Nees' "Schotter" in Braille dots, version 6 a
 * skyline in four terminal grays; the texts around them are Redis 7.0's. The drawings are
 * random, as Redis' (it uses rand()), so only their shape and size can match.
 */
final class Lolwut {
  private Lolwut() {}

  /** A grid of pixels; drawing outside it does nothing. */
  static final class Canvas {
    final int width;
    final int height;
    final byte[] pixels;

    Canvas(int width, int height, int background) {
      this.width = width;
      this.height = height;
      this.pixels = new byte[width * height];
      java.util.Arrays.fill(pixels, (byte) background);
    }

    void set(int x, int y, int color) {
      if (x >= 0 && x < width && y >= 0 && y < height) {
        pixels[x + y * width] = (byte) color;
      }
    }

    int get(int x, int y) {
      return x < 0 || x >= width || y < 0 || y >= height ? 0 : pixels[x + y * width];
    }

    /** Bresenham's line. */
    void line(int x1, int y1, int x2, int y2, int color) {
      int dx = Math.abs(x2 - x1);
      int dy = Math.abs(y2 - y1);
      int sx = x1 < x2 ? 1 : -1;
      int sy = y1 < y2 ? 1 : -1;
      int err = dx - dy;
      while (true) {
        set(x1, y1, color);
        if (x1 == x2 && y1 == y2) {
          return;
        }
        int e2 = err * 2;
        if (e2 > -dy) {
          err -= dy;
          x1 += sx;
        }
        if (e2 < dx) {
          err += dx;
          y1 += sy;
        }
      }
    }

    /** A square of side {@code size} centred on x,y, turned by {@code angle} radians. */
    void square(int x, int y, float size, float angle, int color) {
      // Float where Redis' C uses float, and C's round (half away from zero), for the same dots.
      float radius = (float) cRound((float) (size / 1.4142135623));
      int[] px = new int[4];
      int[] py = new int[4];
      float k = (float) (Math.PI / 4 + angle);
      for (int j = 0; j < 4; j++) {
        px[j] = (int) cRound(Math.sin(k) * radius + x);
        py[j] = (int) cRound(Math.cos(k) * radius + y);
        k = (float) (k + Math.PI / 2);
      }
      for (int j = 0; j < 4; j++) {
        line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
      }
    }
  }

  /** LOLWUT VERSION 5 [columns [squares-per-row [squares-per-col]]]; limits as Redis. */
  static String version5(long cols, long perRow, long perCol, Random random) {
    int columns = (int) clamp(cols, 1, 1000);
    int squaresPerRow = (int) clamp(perRow, 1, 200);
    int squaresPerCol = (int) clamp(perCol, 1, 200);
    int canvasWidth = columns * 2;
    int padding = canvasWidth > 4 ? 2 : 0;
    float side = (float) (canvasWidth - padding * 2) / squaresPerRow;
    int canvasHeight = (int) (side * squaresPerCol + padding * 2);
    Canvas canvas = new Canvas(canvasWidth, canvasHeight, 0);
    for (int y = 0; y < squaresPerCol; y++) {
      for (int x = 0; x < squaresPerRow; x++) {
        int sx = (int) (x * side + side / 2 + padding);
        int sy = (int) (y * side + side / 2 + padding);
        float angle = 0;
        if (y > 1) {
          // Disorder grows row by row: turn and shift by up to y/rows of a unit.
          float r1 = random.nextFloat() / squaresPerCol * y;
          float r2 = random.nextFloat() / squaresPerCol * y;
          float r3 = random.nextFloat() / squaresPerCol * y;
          if (random.nextBoolean()) {
            r1 = -r1;
          }
          if (random.nextBoolean()) {
            r2 = -r2;
          }
          if (random.nextBoolean()) {
            r3 = -r3;
          }
          angle = r1;
          sx += r2 * side / 3;
          sy += r3 * side / 3;
        }
        canvas.square(sx, sy, side, angle, 1);
      }
    }
    return braille(canvas) + "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. "
        + Version.REDIS_VERSION + "\n";
  }

  /** Each 2x4 block of pixels is one Braille character (dots 1-8 as Unicode numbers them). */
  static String braille(Canvas canvas) {
    StringBuilder text = new StringBuilder();
    for (int y = 0; y < canvas.height; y += 4) {
      for (int x = 0; x < canvas.width; x += 2) {
        int dots = 0;
        dots |= canvas.get(x, y) != 0 ? 1 : 0;
        dots |= canvas.get(x, y + 1) != 0 ? 1 << 1 : 0;
        dots |= canvas.get(x, y + 2) != 0 ? 1 << 2 : 0;
        dots |= canvas.get(x + 1, y) != 0 ? 1 << 3 : 0;
        dots |= canvas.get(x + 1, y + 1) != 0 ? 1 << 4 : 0;
        dots |= canvas.get(x + 1, y + 2) != 0 ? 1 << 5 : 0;
        dots |= canvas.get(x, y + 3) != 0 ? 1 << 6 : 0;
        dots |= canvas.get(x + 1, y + 3) != 0 ? 1 << 7 : 0;
        text.append((char) (0x2800 + dots));
      }
      if (y != canvas.height - 1) {
        text.append('\n');
      }
    }
    return text.toString();
  }

  /** LOLWUT VERSION 6 [columns [rows]]: a skyline; one character per pixel. */
  static String version6(long cols, long rows, Random random) {
    Canvas canvas = new Canvas((int) clamp(cols, 1, 1000), (int) clamp(rows, 1, 1000), 3);
    skyline(canvas, random);
    StringBuilder text = new StringBuilder();
    for (int y = 0; y < canvas.height; y++) {
      for (int x = 0; x < canvas.width; x++) {
        String color = switch (canvas.get(x, y)) {
          case 1 -> "0;90;100m";
          case 2 -> "0;37;47m";
          case 3 -> "0;97;107m";
          default -> "0;30;40m";
        };
        text.append("\033[").append(color).append(" \033[0m");
      }
      if (y != canvas.height - 1) {
        text.append('\n');
      }
    }
    return text + "\nDedicated to the 8 bit game developers of past and present.\n"
        + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. " + Version.REDIS_VERSION + "\n";
  }

  private static void skyline(Canvas canvas, Random random) {
    // Two gray rows of plain buildings behind, the lighter one furthest.
    for (int color = 2; color >= 1; color--) {
      for (int offset = -10; offset < canvas.width; ) {
        offset += random.nextInt(8);
        int width = 10 + random.nextInt(9);
        // As Redis' rand() % height / 2 (or / 3): C reads it as (rand() % height) / 2.
        int height = canvas.height / 2 + randomBelow(random, canvas.height) / (color == 2 ? 2 : 3);
        building(canvas, offset, width, height, false, color, random);
        offset += color == 2 ? width / 2 : width + 1;
      }
    }
    for (int offset = -10; offset < canvas.width; ) {
      offset += random.nextInt(8);
      int width = 5 + random.nextInt(14);
      if (width % 4 != 0) {
        width += width % 3;
      }
      int height = canvas.height / 3 + randomBelow(random, canvas.height) / 2;
      building(canvas, offset, width, height, true, 0, random);
      offset += width + 5;
    }
  }

  private static int randomBelow(Random random, int bound) {
    return bound <= 0 ? 0 : random.nextInt(bound);
  }

  /** A building from the bottom row up; the roof is narrower; windows are grays, two pixels wide. */
  private static void building(Canvas canvas, int xoff, int width, int height, boolean windows,
      int color, Random random) {
    int starty = canvas.height - 1;
    int endy = starty - height + 1;
    for (int y = starty; y >= endy; y--) {
      for (int x = xoff; x < xoff + width; x++) {
        if (y == endy && (x <= xoff + 1 || x >= xoff + width - 2)) {
          continue;
        }
        int pixel = color;
        if (windows && x > xoff + 1 && x < xoff + width - 2 && y > endy + 1 && y < starty - 1) {
          int relx = x - (xoff + 1);
          int rely = y - (endy + 1);
          if ((relx / 2) % 2 != 0 && rely % 2 != 0) {
            do {
              pixel = 1 + random.nextInt(2);
            } while (pixel == color);
            if (relx % 2 != 0) {
              pixel = canvas.get(x - 1, y);
            }
          }
        }
        canvas.set(x, y, pixel);
      }
    }
  }

  /** Redis 7.0 for versions without art: just the version line. */
  static String plain() {
    return "Redis ver. " + Version.REDIS_VERSION + "\n";
  }

  private static double cRound(double value) {
    return Math.signum(value) * Math.floor(Math.abs(value) + 0.5);
  }

  private static long clamp(long value, long min, long max) {
    return Math.max(min, Math.min(max, value));
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
