"""Draws resources/icon.png (512×512): scattered points and their fitted line. Run with /usr/bin/python3."""
from PIL import Image, ImageDraw

SIZE = 512
img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
d.rounded_rectangle((16, 16, SIZE - 16, SIZE - 16), radius=96, fill=(24, 38, 64, 255))
points = [(110, 380), (150, 330), (190, 350), (230, 280), (270, 300), (310, 230), (350, 240), (390, 170), (410, 150)]
d.line((80, 400, 440, 120), fill=(255, 196, 0, 255), width=22)
for x, y in points:
    d.ellipse((x - 16, y - 16, x + 16, y + 16), fill=(120, 200, 255, 255))
img.save("resources/icon.png")
