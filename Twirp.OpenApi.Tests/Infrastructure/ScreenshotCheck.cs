using System;
using System.Threading.Tasks;
using Twirp.Testing;

namespace Twirp.OpenApi.Tests.Infrastructure;

/// <summary>Tells a rendered page from a blank one by the colours of its screenshot, decoded by the browser itself.</summary>
public static class ScreenshotCheck
{
    /// <summary>
    /// A blank page is one colour; text alone adds its anti-aliasing greys. A page with navigation, headings,
    /// badges and code blocks has far more.
    /// </summary>
    public const int MinimumColours = 64;

    internal static async Task<int> DistinctColoursAsync(ChromiumBrowser chromium, byte[] png)
    {
        var page = await chromium.NewPageAsync();
        try
        {
            return await page.EvaluateAsync<int>(
                """
                async (source) => {
                  const image = new Image();
                  image.src = source;
                  await image.decode();
                  const canvas = new OffscreenCanvas(image.width, image.height);
                  const context = canvas.getContext('2d');
                  context.drawImage(image, 0, 0);
                  const pixels = context.getImageData(0, 0, image.width, image.height).data;
                  const colours = new Set();
                  for (let i = 0; i < pixels.length; i += 4) {
                    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
                  }
                  return colours.size;
                }
                """,
                "data:image/png;base64," + Convert.ToBase64String(png));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
