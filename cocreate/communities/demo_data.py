"""Text for the demo's challenges, ideas and discussions (`cocreate demo`). Everything
is invented: the brand, the people, the products. Ideas are assembled from the parts
below (a solution, a twist, a problem, a benefit, details), in English or Simplified
Chinese, so that 300 of them read differently without any filler text; comments are
assembled from the same parts and from their own (questions with their answers,
suggestions, agreement, worries, official answers)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar


@dataclass(frozen=True)
class Solution:
    en: str  # noun phrase: the start of the English title
    en_text: str
    zh: str  # noun phrase: the end of the Chinese title
    zh_text: str
    tags: tuple[str, ...]
    zh_tags: tuple[str, ...]
    twists: tuple[str, ...]  # the keys of the twists that make sense with it
    problems: tuple[int, ...]  # which of the theme's problems it answers
    benefits: tuple[int, ...]


@dataclass(frozen=True)
class Twist:
    en: str  # appended to the English title
    en_text: str
    zh: str  # put in front of the Chinese title
    zh_text: str


@dataclass(frozen=True)
class Theme:
    solutions: tuple[Solution, ...]
    problems: tuple[str, ...]
    zh_problems: tuple[str, ...]
    benefits: tuple[str, ...]
    zh_benefits: tuple[str, ...]
    details: tuple[str, ...]
    zh_details: tuple[str, ...]


TWISTS: dict[str, Twist] = {
    # parts
    "quick": Twist(
        "with a quick-release mount",
        "It should come off in ten seconds, without tools.",
        "可快拆的",
        "不用工具，十秒就能拆下来。",
    ),
    "fits": Twist(
        "for every Nimbus frame",
        "Please make it fit all current Nimbus frames, not only the newest model.",
        "适配所有车型的",
        "希望能适配现有所有 Nimbus 车架，而不只是最新款。",
    ),
    "reflect": Twist(
        "with reflective edges",
        "Reflective edges would add a bit of safety on dark evenings.",
        "带反光边的",
        "加上反光边，傍晚天黑时更安全。",
    ),
    "recycled": Twist(
        "made from recycled plastic",
        "It could be made from recycled plastic, ideally from parts returned to Nimbus stores.",
        "用回收塑料做的",
        "可以用回收塑料制作，最好就用门店回收的旧零件。",
    ),
    "factory": Twist(
        "as a factory option",
        "Offer it as an option when ordering, so it is fitted properly from day one.",
        "出厂可选装的",
        "下单时就能选装，第一天就装得妥妥当当。",
    ),
    "spare": Twist(
        "sold as a spare part",
        "Sell it as a spare part too, so older bikes can be upgraded.",
        "可单独购买的",
        "也请作为配件单独出售，老车也能升级。",
    ),
    "colour": Twist(
        "in the frame colours",
        "Make it in the frame colours, so it looks like part of the bike.",
        "和车身同色的",
        "做成和车架一样的颜色，看起来就是车的一部分。",
    ),
    "guarantee": Twist(
        "with a lifetime guarantee",
        "A lifetime guarantee would show that you trust it to last.",
        "终身保修的",
        "给终身保修，说明你们相信它足够耐用。",
    ),
    "tall": Twist(
        "for tall riders",
        "Today's parts are too short for frames above size L; please think of tall riders.",
        "适合高个子骑手的",
        "现在的配件对 L 码以上的车架太短了，希望照顾一下高个子骑手。",
    ),
    "easyfit": Twist(
        "with a five-minute fitting",
        "Someone with one hand free should be able to fit it in five minutes.",
        "五分钟就能装好的",
        "只有一只手空着的人，也能五分钟装好。",
    ),
    "price": Twist(
        "at an honest price",
        "Keep it under €60 (about ¥450), or people will buy cheap copies instead.",
        "价格实在的",
        "价格控制在 450 元以内，不然大家都去买便宜的仿品了。",
    ),
    "flat": Twist(
        "with a fold-flat design",
        "When it is not needed it should pack flat enough to slide into a backpack.",
        "能折叠收纳的",
        "不用时能折平，塞进背包里。",
    ),
    # apps and services
    "cities": Twist(
        "in every city with a store",
        "It should run in every city with a Nimbus store, not only in the capital.",
        "每个有门店的城市都有的",
        "希望每个有 Nimbus 门店的城市都能有，而不只是大城市。",
    ),
    "volunteers": Twist(
        "run by members",
        "Members could run it as volunteers, with Nimbus providing the space and the parts.",
        "由会员志愿运营的",
        "可以由会员志愿运营，Nimbus 提供场地和零件。",
    ),
    "bilingual": Twist(
        "in English and Chinese",
        "Everything should be in English and Chinese from day one.",
        "中英双语的",
        "从第一天起就要中英双语。",
    ),
    "free": Twist(
        "free for members",
        "Make it free for members, at least for the first year.",
        "会员免费的",
        "至少第一年对会员免费。",
    ),
    "api": Twist(
        "with an open API",
        "An open API would let riders build their own tools on top of it.",
        "开放接口的",
        "开放接口，骑友可以在上面做自己的小工具。",
    ),
    "students": Twist(
        "for students",
        "Start with students: they ride the most and have the least money.",
        "面向学生的",
        "先从学生开始：他们骑得最多，钱最少。",
    ),
    "offline": Twist(
        "with an offline mode",
        "It has to work offline too, in underground car parks and tunnels.",
        "离线也能用的",
        "在地下车库和隧道里没信号时也要能用。",
    ),
    "booking": Twist(
        "with online booking",
        "Add a simple booking page so that nobody waits in line.",
        "可在线预约的",
        "做个简单的预约页面，谁都不用排队。",
    ),
}


def _s(
    en: str,
    en_text: str,
    zh: str,
    zh_text: str,
    tags: str,
    zh_tags: str,
    twists: str,
    problems: str,
    benefits: str,
) -> Solution:
    return Solution(
        en,
        en_text,
        zh,
        zh_text,
        tuple(tags.split()),
        tuple(zh_tags.split()),
        tuple(twists.split()),
        tuple(int(i) for i in problems.split()),
        tuple(int(i) for i in benefits.split()),
    )


RAIN = Theme(
    solutions=(
        _s(
            "Full-length mudguards",
            "Mudguards that reach down to a hand's width above the road, front and back, so "
            "the spray stays off shoes and trousers.",
            "全包挡泥板",
            "前后挡泥板一直延伸到离地一掌宽的位置，让泥水溅不到鞋和裤腿。",
            "mudguards rain",
            "挡泥板 雨天",
            "quick fits reflect recycled factory spare colour tall",
            "0 5 4",
            "0 1 4",
        ),
        _s(
            "Rain cape that stows under the saddle",
            "A rain cape rolled into a pouch under the saddle, with thumb loops so it also "
            "covers your hands on the bars.",
            "收在车座下的雨披",
            "雨披卷起来放在车座下的小包里，带拇指扣，骑车时也能盖住握把上的手。",
            "rain clothing",
            "雨披 雨天",
            "reflect recycled spare colour tall price flat",
            "0 4",
            "0 1 4",
        ),
        _s(
            "Enclosed chain case",
            "A fully enclosed chain case, like the old Dutch city bikes, so the chain stays "
            "clean and oiled through a wet winter.",
            "全封闭链盒",
            "像老式荷兰城市车那样把链条完全罩住，整个雨季链条都干净、有油。",
            "chain maintenance",
            "链条 保养",
            "quick fits recycled factory spare colour guarantee easyfit",
            "1 0",
            "2 5",
        ),
        _s(
            "Roll-top waterproof pannier",
            "A roll-top pannier that clicks onto the Nimbus rack and keeps a laptop dry in a "
            "downpour.",
            "卷口防水驮包",
            "卷口设计的驮包，一秒卡在 Nimbus 货架上，暴雨里笔记本电脑也不会湿。",
            "bags rain",
            "驮包 防水",
            "quick reflect recycled colour guarantee price flat",
            "2 4",
            "0 4 1",
        ),
        _s(
            "Saddle cover on a pull-out cord",
            "A saddle cover on an elastic cord that pulls out of the back of the saddle and "
            "snaps back in when you ride off.",
            "拉绳式车座防雨罩",
            "车座后面藏一根弹力绳连着防雨罩，停车时拉出来，骑走时自动收回。",
            "saddle rain",
            "车座 雨天",
            "fits reflect recycled factory spare colour price",
            "6",
            "4 5",
        ),
        _s(
            "Wet-weather brake pads",
            "Brake pads made for wet rims and discs, sold as a kit with a simple guide for "
            "swapping them every autumn.",
            "雨天专用刹车片",
            "专门针对湿滑轮圈和碟刹的刹车片，配上简单的秋季更换指南。",
            "brakes safety",
            "刹车 安全",
            "fits factory spare price easyfit",
            "3",
            "3 0",
        ),
        _s(
            "Tyres with a rain tread",
            "A commuting tyre with a siped tread and a softer compound that grips wet paint and "
            "tram lines.",
            "雨天防滑轮胎",
            "通勤轮胎用带细纹的花纹和更软的胶料，在湿的斑马线和电车轨道上也抓得住。",
            "tyres safety",
            "轮胎 防滑",
            "fits reflect factory spare price",
            "7 3",
            "0 5",
        ),
        _s(
            "Handlebar mitts",
            "Windproof, waterproof mitts that stay on the handlebar, so you can ride with thin "
            "gloves in cold rain.",
            "车把防水手套套",
            "固定在车把上的防风防水手套套，冬天下雨戴薄手套也能骑。",
            "winter clothing",
            "冬季 手套",
            "quick reflect recycled colour tall price flat",
            "4",
            "0 4",
        ),
        _s(
            "Shoe covers that fold into a key fob",
            "Overshoes so thin that they fold into a pouch the size of a key fob, with a grippy "
            "sole for walking.",
            "能折成钥匙扣的鞋套",
            "鞋套薄到可以折进钥匙扣大小的小袋里，鞋底防滑，下车走路也不打滑。",
            "rain clothing",
            "鞋套 雨天",
            "reflect recycled tall price",
            "5 0",
            "1 4",
        ),
        _s(
            "Drain holes in the frame",
            "Small drain holes at the bottom bracket and at the foot of the seat tube, so rain "
            "that gets into the frame can run out.",
            "车架排水孔",
            "在中轴和座管底部开小排水孔，进到车架里的雨水能自己流出来。",
            "frame maintenance",
            "车架 保养",
            "fits factory guarantee",
            "1 9",
            "2 5",
        ),
        _s(
            "Long mudflap for the front fender",
            "A long rubber mudflap at the end of the front fender that keeps the drivetrain and "
            "your feet dry.",
            "前挡泥板延长挡片",
            "在前挡泥板末端加一块长橡胶挡片，让传动系统和脚都不被溅湿。",
            "mudguards rain",
            "挡泥板 雨天",
            "fits reflect recycled factory spare colour easyfit price",
            "5",
            "1 2 5",
        ),
        _s(
            "Quick-dry grips",
            "Grips with a textured surface that does not soak up water, dry in seconds and stay "
            "grippy in the rain.",
            "速干防滑握把",
            "握把表面有纹理且不吸水，几秒就干，下雨也不打滑。",
            "grips rain",
            "握把 雨天",
            "fits recycled factory spare colour easyfit price",
            "8",
            "4 5",
        ),
        _s(
            "Sealed bearings on commuter models",
            "Sealed hub and bottom-bracket bearings as standard on commuter models, because "
            "cheap seals die in the first wet winter.",
            "通勤车标配密封轴承",
            "通勤车型的花鼓和中轴都标配密封轴承，普通防尘圈撑不过第一个雨季。",
            "maintenance bearings",
            "保养 轴承",
            "fits guarantee spare price",
            "9 1",
            "2 5",
        ),
        _s(
            "Rack-top dry box",
            "A hard-shell dry box on the rear rack with a rubber seal, big enough for a helmet "
            "and a change of clothes.",
            "货架防水硬壳箱",
            "装在后货架上的硬壳防水箱，带橡胶密封圈，放得下头盔和一套换洗衣服。",
            "bags storage",
            "储物 防水",
            "quick fits reflect recycled colour guarantee price",
            "2 4",
            "1 4",
        ),
        _s(
            "Splash guard for the chainring",
            "A clear splash guard around the chainring that keeps the front of your trousers "
            "clean without a full chain case.",
            "牙盘防溅罩",
            "在牙盘外加一圈透明防溅罩，不用全封闭链盒也能保持裤脚干净。",
            "chain clothing",
            "链条 裤脚",
            "quick fits recycled spare colour easyfit",
            "0 1",
            "1 2",
        ),
    ),
    problems=(
        "By the time I reach the office my trousers are soaked from the knee down.",
        "After one wet week the chain is orange with rust and squeaks.",
        "My bag sits on the rack and everything in it gets damp, even with a plastic bag "
        "around the laptop.",
        "On wet days the brakes need a full second before they bite, which is scary at junctions.",
        "When it rains I take the bus, and then I don't ride for the rest of the week.",
        "Spray from the front wheel ends up on my shoes and all over the drivetrain.",
        "The saddle is wet every time I come out of a shop.",
        "Tram lines and painted crossings are like ice when they are wet.",
        "My hands slip on the wet grips, and my gloves are soaked after ten minutes.",
        "My hubs creak after every wet winter and the bearings need replacing.",
    ),
    zh_problems=(
        "每次到公司，膝盖以下的裤子都湿透了。",
        "连着下一周雨，链条就锈成橙色，还吱吱响。",
        "包放在货架上，里面的东西都会受潮，电脑套了塑料袋也没用。",
        "下雨天刹车要慢一拍才起作用，过路口的时候很吓人。",
        "一下雨我就改坐公交，结果那一周都不再骑车了。",
        "前轮甩起来的泥水全打在鞋子和传动系统上。",
        "每次从商店出来，车座都是湿的。",
        "下雨时电车轨道和斑马线滑得像冰面。",
        "握把一湿手就打滑，手套骑十分钟就湿透了。",
        "每过一个雨季，花鼓就咯吱响，轴承得换新。",
    ),
    benefits=(
        "More people would keep riding through the wet months instead of switching to the car.",
        "It would save a change of clothes at work.",
        "Less rust means fewer repairs and a bike that lasts longer.",
        "It makes braking in the wet predictable, which matters most at junctions.",
        "It turns a bad-weather day into a normal day on the bike.",
        "It is a small part, but it changes how the bike feels in the rain.",
    ),
    zh_benefits=(
        "更多人会在雨季坚持骑车，而不是改开车。",
        "到公司不用再换一身衣服。",
        "少生锈就少修车，车也能骑得更久。",
        "让雨天刹车更可控，过路口时这一点最重要。",
        "让坏天气变成普通的骑车日。",
        "虽然只是个小零件，却能改变雨天骑车的感受。",
    ),
    details=(
        "Weight matters: it should stay under 300 g.",
        "No rattling on cobblestones.",
        "It should be easy to clean with a garden hose.",
        "Spare parts should be in every store.",
        "It has to work with the kickstand and the rear rack.",
        "Black or grey, nothing shiny.",
        "It must not rub the tyre when the wheel is slightly out of true.",
        "Fitting instructions with pictures, not just text.",
    ),
    zh_details=(
        "重量要控制在 300 克以内。",
        "在石板路上不能有异响。",
        "用水管一冲就能洗干净。",
        "每家门店都要有备件。",
        "要和停车支架、后货架兼容。",
        "黑色或灰色就好，不要亮面。",
        "车轮稍微有点偏摆时也不能蹭胎。",
        "安装说明要有图，不要只有文字。",
    ),
)

CARGO = Theme(
    solutions=(
        _s(
            "Child seat that clicks onto the rack",
            "A rear child seat that locks onto the Nimbus rack in one move, with foot guards "
            "that keep little feet out of the spokes.",
            "一键卡扣式儿童座椅",
            "后置儿童座椅一下就能锁在 Nimbus 货架上，带护脚板，小脚不会卷进辐条。",
            "kids child-seat",
            "亲子 儿童座椅",
            "quick fits reflect factory colour guarantee easyfit price",
            "4 7",
            "0 1",
        ),
        _s(
            "Front crate mounted on the frame",
            "A front crate fixed to the head tube rather than the bars, so the steering stays "
            "light with a full load; the lid doubles as a table.",
            "装在车架上的前货筐",
            "前货筐装在车头管而不是车把上，满载时转向依然轻巧；盖子还能当小桌板。",
            "cargo storage",
            "载物 货筐",
            "quick fits reflect recycled factory colour price",
            "3 1",
            "2 5",
        ),
        _s(
            "Wide double kickstand",
            "A wide double kickstand that keeps the bike upright while a child climbs in, even "
            "on a slope.",
            "宽距双腿停车支架",
            "宽距双腿支架，孩子爬上车时车子也稳稳立着，斜坡也不倒。",
            "kids parking",
            "亲子 停车",
            "fits factory spare guarantee easyfit price",
            "0 4",
            "3 1",
        ),
        _s(
            "Rain canopy for the child seat",
            "A clear rain canopy over the child seat, with side vents so that it does not fog up.",
            "儿童座椅防雨罩",
            "在儿童座椅上加透明防雨罩，侧面有通风口，不会起雾。",
            "kids rain",
            "亲子 雨天",
            "quick reflect recycled spare easyfit price flat",
            "5",
            "1 0",
        ),
        _s(
            "Rear rack rated for 40 kg",
            "A rear rack rated for 40 kg with a wider platform, tested with two crates of drinks.",
            "承重 40 公斤的后货架",
            "后货架承重 40 公斤，平台更宽，用两箱饮料实测过。",
            "cargo rack",
            "载物 货架",
            "fits reflect factory spare colour guarantee",
            "1",
            "2 5 4",
        ),
        _s(
            "Trailer hitch on the rear axle",
            "A trailer hitch built into the rear axle nut, so any standard trailer fits without "
            "an adapter.",
            "后轴拖车挂钩",
            "拖车挂钩直接集成在后轴螺母上，标准拖车不用转接件就能挂。",
            "cargo trailer",
            "载物 拖车",
            "fits factory spare guarantee easyfit",
            "1 2",
            "2 4 5",
        ),
        _s(
            "Footboards for a second child",
            "Foldable footboards on the rear frame, so an older child can ride behind the seat.",
            "给第二个孩子的脚踏板",
            "在后车架上加可折叠脚踏板，大一点的孩子可以坐在座椅后面。",
            "kids",
            "亲子 二孩",
            "fits reflect factory spare colour easyfit",
            "2",
            "0 2",
        ),
        _s(
            "Shopping pannier that turns into a backpack",
            "A pannier that hooks onto the rack and turns into a backpack when you walk into "
            "the shop.",
            "能变背包的买菜驮包",
            "挂在货架上是驮包，走进超市就变成双肩包。",
            "bags shopping",
            "驮包 买菜",
            "reflect recycled colour price flat",
            "1",
            "5 2",
        ),
        _s(
            "Steering damper for loaded bikes",
            "A small steering damper, so the front wheel does not flop to one side when the "
            "crate is full.",
            "载重转向阻尼器",
            "加一个小转向阻尼器，货筐装满时车头不会往一边倒。",
            "cargo steering",
            "载物 转向",
            "fits factory spare guarantee",
            "3",
            "3",
        ),
        _s(
            "Wheel guard for little hands",
            "A guard over the upper half of the rear wheel, so children cannot reach the spokes.",
            "防夹手后轮罩",
            "罩住后轮上半部分，孩子的手够不到辐条。",
            "kids safety",
            "亲子 安全",
            "fits reflect recycled factory spare colour easyfit",
            "7",
            "1",
        ),
        _s(
            "Folding crate for market day",
            "A folding crate that lies flat on the rack and opens into a 30-litre box with one "
            "pull.",
            "赶集用折叠筐",
            "折叠筐平时平放在货架上，一拉就变成 30 升的箱子。",
            "cargo shopping",
            "载物 买菜",
            "quick reflect recycled colour price",
            "1",
            "5 2",
        ),
        _s(
            "Second bell within a child's reach",
            "A second bell mounted where the passenger can reach it, so the child can help warn "
            "pedestrians.",
            "孩子够得着的第二个车铃",
            "在孩子够得着的地方再装一个车铃，小乘客也能帮忙提醒行人。",
            "kids bells",
            "亲子 车铃",
            "fits colour easyfit price",
            "8",
            "1 0",
        ),
        _s(
            "Extra-low step-through cargo frame",
            "A cargo frame with a really low step-through, so you can get on with a child on "
            "the back without swinging a leg over.",
            "超低跨点载物车架",
            "载物车架做成超低跨点，后面坐着孩子也不用抬腿跨车。",
            "cargo frame",
            "载物 车架",
            "factory colour guarantee tall",
            "4 0",
            "3 4",
        ),
        _s(
            "Lockable front cargo box",
            "A front box that locks, so the shopping can stay in it while you pick up the kids.",
            "可上锁的前货箱",
            "前货箱可以上锁，接孩子时东西放在里面也放心。",
            "cargo security",
            "载物 防盗",
            "quick fits reflect recycled colour guarantee",
            "6",
            "5 0",
        ),
    ),
    problems=(
        "With my daughter on the back, the bike tips over the moment I let go of the handlebar.",
        "The weekly shop does not fit into two panniers, so we end up taking the car.",
        "My son is too big for the child seat but too small to ride in traffic.",
        "When the front crate is full, the steering pulls to one side.",
        "Getting on the bike with a child already in the seat is a balancing act.",
        "In the rain the kids get wet while I stay dry under my jacket.",
        "I park outside the school for five minutes and worry about the shopping in the crate.",
        "Little hands reach for the spokes the moment I look away.",
        "My toddler wants to help, but there is nothing for a passenger to do.",
    ),
    zh_problems=(
        "女儿坐在后面时，我一松开车把车就往一边倒。",
        "每周采购的东西两个驮包装不下，最后还是开车去。",
        "儿子坐儿童座椅太大了，自己在马路上骑又太小。",
        "前货筐装满后，车头总往一边偏。",
        "孩子已经坐在座椅上时，我上车得像走钢丝一样保持平衡。",
        "下雨时我穿着雨衣，孩子却淋湿了。",
        "在学校门口停五分钟，我都担心货筐里的东西。",
        "一不留神，孩子的小手就伸向辐条了。",
        "孩子总想帮忙，可坐在后面什么也做不了。",
    ),
    benefits=(
        "A family could do the school run and the shopping without a car.",
        "Parents would feel safe enough to let the kids ride along every day.",
        "It makes one bike do the job of two.",
        "It keeps the bike stable when it matters most: loading and unloading.",
        "It opens cargo riding to families who cannot afford a dedicated cargo bike.",
        "Fewer car trips for short errands.",
    ),
    zh_benefits=(
        "一家人不开车也能接送孩子、买菜。",
        "家长会放心地让孩子每天一起骑。",
        "一辆车顶两辆车用。",
        "在最关键的时刻——上下货、上下孩子时——让车保持稳定。",
        "让买不起专用载物车的家庭也能用上载物功能。",
        "短途办事可以少开很多次车。",
    ),
    details=(
        "It must fit children from 1 to 6 years old.",
        "The maximum load should be printed on the part itself.",
        "Buckles must be easy for a parent and hard for a toddler.",
        "Please test it with a full load on a hill.",
        "It should fold away while the kids are at school.",
        "No sharp edges anywhere a child can reach.",
        "Fabric parts must be washable.",
        "It should still fit when the rain canopy is on.",
    ),
    zh_details=(
        "要适合 1 到 6 岁的孩子。",
        "最大载重要直接印在零件上。",
        "卡扣要让家长好解，让小孩解不开。",
        "请在坡道上满载测试。",
        "孩子上学后可以折起来收好。",
        "孩子够得着的地方不能有尖角。",
        "布料部分要能水洗。",
        "装上防雨罩之后也要能用。",
    ),
)

NIGHT = Theme(
    solutions=(
        _s(
            "Rear light built into the seat post",
            "A rear light built into the seat post, powered by the same battery as the front "
            "light, so it can be neither stolen nor forgotten.",
            "集成在座管里的尾灯",
            "尾灯直接做进座管，和前灯共用电池，既不会被偷也不会忘记开。",
            "lights night",
            "车灯 夜骑",
            "fits factory spare guarantee colour",
            "5 4",
            "1 5",
        ),
        _s(
            "Brake light that brightens as you slow down",
            "A rear light that gets brighter when the bike slows down, like a car's brake light.",
            "减速自动变亮的刹车灯",
            "尾灯在减速时自动变亮，像汽车的刹车灯一样。",
            "lights safety",
            "车灯 安全",
            "quick fits factory spare guarantee price",
            "6",
            "2 4",
        ),
        _s(
            "Reflective frame paint",
            "A paint with tiny glass beads that looks grey by day and lights up white in "
            "headlights.",
            "反光车架涂装",
            "掺了玻璃微珠的涂料，白天看是灰色，车灯一照就亮白。",
            "visibility frame",
            "可见度 车架",
            "factory colour guarantee",
            "2 0",
            "0 1",
        ),
        _s(
            "Light strips along the down tube",
            "Thin light strips along the sides of the down tube, so the bike is visible from "
            "the side at junctions.",
            "下管侧面灯带",
            "在下管两侧加细灯带，路口从侧面也能看见车。",
            "lights visibility",
            "车灯 可见度",
            "fits factory spare colour easyfit",
            "2 0",
            "0 3",
        ),
        _s(
            "Turn signals in the bar ends",
            "Turn signals in the bar ends with a thumb switch, visible from behind and from the "
            "front.",
            "把端转向灯",
            "把端装转向灯，拇指拨动开关，前后都看得见。",
            "lights safety",
            "车灯 转向灯",
            "quick fits factory spare easyfit price",
            "0 6",
            "2 3",
        ),
        _s(
            "Hub dynamo as standard",
            "A hub dynamo on every commuter model, so the lights never run out of battery.",
            "标配花鼓发电机",
            "所有通勤车型标配花鼓发电机，车灯永远不会没电。",
            "lights dynamo",
            "车灯 发电机",
            "fits guarantee price",
            "1 4",
            "1 5",
        ),
        _s(
            "Tyres with reflective sidewalls",
            "Tyres with a reflective stripe on the sidewall, which draws a circle of light "
            "that drivers recognise as a bike.",
            "反光胎壁轮胎",
            "轮胎侧面带反光条，车灯一照就是一个光圈，司机一眼认出是自行车。",
            "tyres visibility",
            "轮胎 可见度",
            "fits factory spare price",
            "2 7",
            "0 1",
        ),
        _s(
            "Front light with a cut-off beam",
            "A front light with a cut-off beam that does not dazzle people coming the other "
            "way on bike paths.",
            "不晃眼的截止线前灯",
            "前灯采用截止线光型，在自行车道上不会晃到对面来的人。",
            "lights night",
            "车灯 夜骑",
            "quick fits factory spare guarantee price",
            "3",
            "4 3",
        ),
        _s(
            "Battery gauge on the lights",
            "A small battery gauge on the lights, so you know before leaving whether they "
            "will last the ride home.",
            "车灯电量显示",
            "车灯上加小电量条，出门前就知道能不能撑到回家。",
            "lights battery",
            "车灯 电池",
            "fits factory spare price",
            "1",
            "3",
        ),
        _s(
            "Helmet light that pairs with the bike",
            "A helmet light that switches on with the bike lights and shines where you look "
            "at corners.",
            "和车灯联动的头盔灯",
            "头盔灯和车灯一起开关，转弯时照亮你看的方向。",
            "lights helmet",
            "车灯 头盔",
            "quick reflect spare colour price",
            "0",
            "3 4",
        ),
        _s(
            "Pedals with glowing edges",
            "Pedals with glowing edges, because the up-and-down movement is what catches a "
            "driver's eye.",
            "边缘发光的脚踏",
            "脚踏边缘会发光，上下踩动的动作最能吸引司机注意。",
            "pedals visibility",
            "脚踏 可见度",
            "fits recycled spare colour easyfit price",
            "0 7",
            "0 2",
        ),
        _s(
            "Automatic light sensor",
            "A light sensor that switches the lights on in tunnels and at dusk without you "
            "touching anything.",
            "自动感光车灯",
            "加光线感应，进隧道或天黑时自动开灯，不用手动。",
            "lights",
            "车灯 自动",
            "fits factory spare price",
            "4",
            "5 3",
        ),
        _s(
            "Reflective stripes on rack and fenders",
            "Reflective stripes on the rack and the fenders, placed at the height where car "
            "headlights actually hit.",
            "货架和挡泥板反光条",
            "在货架和挡泥板上贴反光条，位置正好在汽车大灯照到的高度。",
            "visibility",
            "可见度 反光",
            "fits factory spare colour easyfit price",
            "7 2",
            "0 1",
        ),
        _s(
            "Spoke lights powered by a magnet",
            "Small spoke lights, powered by a magnet on the fork, that draw a pattern when the "
            "wheel turns.",
            "磁力发电辐条灯",
            "辐条上装小灯，靠前叉上的磁铁发电，车轮转动时画出图案。",
            "lights wheels",
            "车灯 车轮",
            "quick fits recycled spare colour price",
            "2 1",
            "1 0",
        ),
    ),
    problems=(
        "Drivers turning right tell me they simply did not see me.",
        "My battery light died halfway home at two in the morning.",
        "From the side, a bike at night is almost invisible at junctions.",
        "On the unlit river path, oncoming lights blind me.",
        "I forget to switch the rear light on at least once a week.",
        "Clip-on lights get stolen whenever I leave them on the bike.",
        "Drivers behind me cannot tell whether I am slowing down.",
        "The reflectors that come with the bike are tiny and end up pointing at the ground.",
    ),
    zh_problems=(
        "右转的司机总说他们根本没看见我。",
        "凌晨两点骑到半路，电池车灯没电了。",
        "晚上在路口，从侧面几乎看不见自行车。",
        "在没有路灯的河边小路上，对面来的车灯晃得我睁不开眼。",
        "每周至少有一次忘了开尾灯。",
        "夹式车灯只要留在车上就会被偷。",
        "后面的司机看不出我是不是在减速。",
        "原车带的反光片太小，还总是歪到朝着地面。",
    ),
    benefits=(
        "Being seen from every side is what keeps people riding after dark.",
        "No batteries to forget and nothing to steal.",
        "It makes the bike readable to drivers, not just visible.",
        "Night-shift workers and students would feel safer riding home.",
        "It helps everyone on the path, not just the rider.",
        "Safety that works without the rider having to remember anything.",
    ),
    zh_benefits=(
        "四面八方都能被看见，大家天黑后才敢继续骑车。",
        "不用记着充电，也没什么可被偷的。",
        "让司机不仅看得见，还看得懂骑车人的意图。",
        "夜班工人和学生回家会更安心。",
        "对路上的每个人都有好处，而不只是骑车的人。",
        "不需要骑手记着做任何事，安全也照样有保障。",
    ),
    details=(
        "It must stay visible in rain and fog.",
        "The light should not flicker below walking speed.",
        "Please keep it within the legal brightness limits.",
        "The switch should work with winter gloves on.",
        "It should still work when the e-assist battery is empty.",
        "Warm white light, not blue.",
        "It must survive a pressure washer.",
        "Visible from at least 150 metres.",
    ),
    zh_details=(
        "下雨起雾时也要看得见。",
        "低于步行速度时灯光也不能闪烁。",
        "亮度请控制在法规允许的范围内。",
        "戴着冬季手套也能按开关。",
        "电助力电池没电时也要能亮。",
        "用暖白光，不要蓝光。",
        "用高压水枪冲洗也不坏。",
        "至少 150 米外能看见。",
    ),
)

GENERAL = Theme(
    solutions=(
        _s(
            "Frame lock that keeps the key while open",
            "A frame lock whose key cannot be taken out while the lock is open, so you never "
            "lock the key away or ride off with the lock open.",
            "开锁时钥匙拔不出的车架锁",
            "车架锁开着的时候钥匙拔不出来，既不会把钥匙锁在里面，也不会开着锁就骑走。",
            "locks security",
            "车锁 防盗",
            "fits factory spare guarantee price",
            "7 3",
            "0 1",
        ),
        _s(
            "E-assist battery with a carry handle",
            "A handle on the e-assist battery, so it is easy to carry up to the flat and to "
            "charge at the office.",
            "带提手的电助力电池",
            "电助力电池加一个提手，方便拎上楼、带到办公室充电。",
            "e-assist battery",
            "电助力 电池",
            "fits spare colour guarantee",
            "6",
            "0 1",
        ),
        _s(
            "Kickstand that stays clear of the pedal",
            "A kickstand placed further back, so the pedal does not hit it when you wheel the "
            "bike backwards.",
            "不打脚踏的停车架",
            "把停车架往后移一点，往后推车时脚踏不会撞到它。",
            "parking",
            "停车架",
            "fits factory spare easyfit price",
            "4 7",
            "1 0",
        ),
        _s(
            "Bell with a friendly sound",
            "A bell with a softer, two-tone sound, so pedestrians turn around smiling instead "
            "of jumping.",
            "声音友好的车铃",
            "车铃换成柔和的双音，行人回头时是笑着的，而不是吓一跳。",
            "bells",
            "车铃",
            "fits recycled spare colour easyfit price",
            "4",
            "1 4",
        ),
        _s(
            "Multitool hidden in the steerer",
            "A small multitool that lives inside the steerer tube and comes out with a twist "
            "of the top cap.",
            "藏在竖管里的多功能工具",
            "小型多功能工具藏在车头竖管里，拧开顶盖就能取出。",
            "tools repair",
            "工具 维修",
            "fits factory spare guarantee price",
            "2 0",
            "5 2",
        ),
        _s(
            "Phone mount with a charging cable",
            "A stem-mounted phone holder with a cable from the e-assist battery, for "
            "navigation on long rides.",
            "带充电线的手机支架",
            "龙头手机支架连着电助力电池的充电线，长途导航不怕没电。",
            "e-assist phone",
            "电助力 手机",
            "quick fits spare price",
            "8",
            "0 1",
        ),
        _s(
            "Tool-free adjustable stem for family bikes",
            "A stem whose height adjusts without tools, so one bike fits everyone in the family.",
            "全家共用的免工具可调龙头",
            "不用工具就能调高度的龙头，一辆车全家人都能骑。",
            "fit family",
            "车把 全家",
            "factory spare tall guarantee",
            "9",
            "5 0",
        ),
        _s(
            "Repair evenings at Nimbus stores",
            "A monthly evening where the mechanics show members how to fix their own bikes, "
            "with tools and coffee provided.",
            "门店维修之夜",
            "每月一个晚上，师傅在门店教大家自己修车，提供工具和咖啡。",
            "repair stores",
            "维修 门店",
            "cities volunteers bilingual free students booking",
            "2 0",
            "3 2",
        ),
        _s(
            "Parts finder in the Nimbus app",
            "Scan the frame number and the app lists every compatible spare part, with its "
            "price and the nearest store that has it.",
            "Nimbus App 配件查询",
            "扫一下车架号，App 就列出所有兼容配件、价格和最近有货的门店。",
            "app spare-parts",
            "应用 配件",
            "bilingual api offline free",
            "1 0",
            "5 0",
        ),
        _s(
            "Trade-in programme for old bikes",
            "Bring your old Nimbus back and get credit towards a new one; the old frames are "
            "refurbished and sold to students.",
            "旧车以旧换新计划",
            "把旧 Nimbus 带回门店抵扣新车款，旧车架翻新后卖给学生。",
            "stores recycling",
            "门店 回收",
            "cities students booking",
            "10",
            "2 4",
        ),
        _s(
            "Monthly community rides",
            "Easy rides every month, led by members, with a slow group so that nobody is left "
            "behind.",
            "每月社区骑行",
            "每月由会员带队的轻松骑行，设慢速组，谁都不会掉队。",
            "community rides",
            "社区 骑行",
            "cities volunteers bilingual free students booking",
            "5",
            "3 4",
        ),
        _s(
            "Register of stolen frame numbers",
            "A register of stolen Nimbus frame numbers that every store checks before it "
            "services a bike.",
            "失窃车架号登记",
            "建立 Nimbus 失窃车架号登记，门店维修前先查一下。",
            "security app",
            "防盗 应用",
            "cities bilingual api free",
            "3",
            "4 2",
        ),
        _s(
            "Autumn safety check",
            "A cheap autumn check-up of brakes, lights, tyres and chain, done in twenty "
            "minutes while you wait.",
            "入冬安全检查",
            "秋天提供便宜的快速检查：刹车、车灯、轮胎和链条，现场二十分钟搞定。",
            "repair stores",
            "保养 门店",
            "cities free students booking",
            "0 2",
            "2 5",
        ),
        _s(
            "Rain radar in the Nimbus app",
            "A ride-time rain forecast in the Nimbus app that tells you the best ten-minute "
            "window to leave.",
            "Nimbus App 降雨雷达",
            "在 Nimbus App 里加上按骑行时段的降雨预报，告诉你最好在哪十分钟出发。",
            "app rain",
            "应用 雨天",
            "bilingual api offline free",
            "7",
            "5 0",
        ),
        _s(
            "Covered bike parking at stores",
            "Covered, lockable bike parking at every Nimbus store, open to any rider caught in "
            "a storm.",
            "门店带顶棚停车位",
            "每家 Nimbus 门店都设带顶棚、可上锁的停车位，任何被大雨困住的骑手都能用。",
            "parking stores",
            "停车 门店",
            "cities free booking",
            "11",
            "4 0",
        ),
        _s(
            "Open map of bike parking",
            "Publish the parking spots that members map in the app as open data, so that "
            "cities can see where racks are missing.",
            "开放的停车点地图",
            "把会员在 App 里标注的停车点作为开放数据发布，让城市知道哪里缺停车架。",
            "parking app",
            "停车 地图",
            "cities volunteers bilingual api offline",
            "12",
            "4 3",
        ),
    ),
    problems=(
        "Every time something small breaks, I wait a week for the part.",
        "I never know which spare parts fit my model year.",
        "Most people in my street do not know how to fix a flat.",
        "My bike was stolen last year and nobody could trace it.",
        "The bike is great, but the small things around it could be better.",
        "I would ride more if I had company at weekends.",
        "Carrying the battery up four floors is a workout I did not ask for.",
        "Every morning I lose time on small things that could be designed away.",
        "My phone dies halfway through every long ride when I use it to navigate.",
        "My partner and I share one bike, and changing its height takes tools every time.",
        "My old Nimbus still rides fine, but I do not know what to do with it when I upgrade.",
        "When a storm hits on the way home, there is nowhere to park the bike and wait.",
        "My district has far too few bike racks, and nobody seems to know.",
    ),
    zh_problems=(
        "每次小零件坏了，都要等一周才有配件。",
        "我总搞不清哪些配件适合我这一年款的车。",
        "我们这条街上大多数人都不会补胎。",
        "去年我的车被偷了，谁也查不到。",
        "车本身很好，但周边的小细节还能更好。",
        "如果周末有人一起骑，我会骑得更多。",
        "把电池扛上四楼，是我不想要的健身。",
        "每天早上都在一些本可以靠设计省掉的小事上浪费时间。",
        "每次长途骑行用手机导航，骑到一半手机就没电了。",
        "我和家人共用一辆车，每次调高度都得拿工具。",
        "我的旧 Nimbus 还能骑，但换新车时不知道怎么处理它。",
        "回家路上遇到暴雨，连个停车避雨的地方都没有。",
        "我们区的停车架太少了，但好像没人知道。",
    ),
    benefits=(
        "It would make owning a Nimbus easier every single day.",
        "A small thing that makes a big difference to daily riders.",
        "It keeps bikes on the road for longer, which is good for everyone.",
        "It brings the community together offline too.",
        "It shows that Nimbus listens to the people who ride its bikes.",
        "It saves riders both money and time.",
    ),
    zh_benefits=(
        "让每天骑 Nimbus 都更省心。",
        "小改动，对天天骑车的人却是大不同。",
        "让车骑得更久，对大家都好。",
        "把社区从线上带到线下。",
        "让大家看到 Nimbus 真的在听骑手的声音。",
        "帮骑手省钱又省时间。",
    ),
    details=(
        "Start small, in one city, and see how it goes.",
        "Members could help test it before launch.",
        "Keep it simple; fewer features are fine.",
        "Please publish what it costs, so that we understand the price.",
        "It should work for older models too.",
        "It should be accessible to riders with disabilities.",
        "A short video guide would help.",
        "Make it easy to give feedback afterwards.",
    ),
    zh_details=(
        "先在一个城市小范围试试看。",
        "上线前可以让会员帮忙测试。",
        "保持简单，功能少一点没关系。",
        "请公开成本，让大家理解定价。",
        "老款车型也要能用。",
        "也要照顾到行动不便的骑手。",
        "配一个短视频教程会很有帮助。",
        "事后要方便大家反馈意见。",
    ),
)

THEMES = {"rain": RAIN, "cargo": CARGO, "night": NIGHT, "general": GENERAL}

CONTEXTS = (
    "I ride {km} km each way to work.",
    "I commute {km} km a day, rain or shine.",
    "Most days I ride {km} km with a laptop in my bag.",
    "I take my kids to school by bike, about {km} km.",
    "I ride home after late shifts, {km} km across the city.",
    "I have had my Nimbus for {years} years and ride it almost every day.",
)
ZH_CONTEXTS = (
    "我每天单程骑 {km} 公里上班。",
    "不管晴天雨天，我每天通勤 {km} 公里。",
    "我每天背着电脑骑 {km} 公里。",
    "我骑车送孩子上学，大约 {km} 公里。",
    "我上夜班，下班后要骑 {km} 公里回家。",
    "我的 Nimbus 已经骑了 {years} 年，几乎天天骑。",
)
CLOSINGS = (
    "Happy to test a prototype.",
    "Curious what the engineers think.",
    "Does anyone else have the same problem?",
    "I can share photos of my home-made version.",
    "Support it if you want this too!",
    "Open to remixes: make it better.",
)
ZH_CLOSINGS = (
    "愿意参加原型测试。",
    "想听听工程师怎么看。",
    "大家是不是也有同样的烦恼？",
    "可以分享我自己动手做的版本的照片。",
    "如果你也想要，请点个支持！",
    "欢迎改编，一起把它做得更好。",
)
REMIX_CHANGES = (
    "cheaper to make",
    "without any tools",
    "a few hundred grams lighter",
    "after two weeks of testing it on my own bike",
    "with the fix people asked for in the comments",
    "easier to fit on older frames",
)
ZH_REMIX_CHANGES = (
    "成本更低",
    "不用任何工具",
    "轻了几百克",
    "我在自己车上试了两周后做了调整",
    "加上了评论里大家提的改进",
    "老车架也更容易装",
)
UPDATES = (
    "**Update:** I measured my own bike and there is enough clearance; photos are in the comments.",
    "**Update:** thanks for the feedback! On cost: I think it can be made for under €20.",
    "**Update:** someone asked whether it works with the kickstand. It does, I checked.",
    "**Update:** to be clear, this should be optional, not standard on every bike.",
)
ZH_UPDATES = (
    "**更新：** 我量了自己的车，空间足够，照片发在评论里了。",
    "**更新：** 谢谢大家的反馈！说一下成本：我估计 150 元以内就能做出来。",
    "**更新：** 有车友问能不能和停车支架一起用——我试过了，没问题。",
    "**更新：** 说明一下：这个应该是选配，不是每辆车都标配。",
)

# Public reasons for stage changes, by stage and language. {author} is the idea's author,
# {other} another idea's title.
REASONS: dict[str, dict[str, tuple[str, ...]]] = {
    "under_review": {
        "en": (
            "Thanks, {author}! The product team looks at this in its next monthly review; we "
            "will post the outcome here.",
            "Enough riders asked for this that we want to test it properly. Reviewing now.",
            "This meets the brief and the success criteria on paper, so it goes to the team "
            "for a closer look.",
        ),
        "zh-hans": (
            "谢谢 {author}！产品团队会在下次月度评审中讨论，结果会公布在这里。",
            "很多骑手都想要这个，我们准备认真测试一下，正在评审中。",
            "从纸面上看符合本次的需求和成功标准，交给团队进一步评估。",
        ),
    },
    "shortlisted": {
        "en": (
            "Shortlisted by the jury. We will build a rough prototype and answer on this page.",
            "On the jury's shortlist: one of the most supported ideas, and it fits the brief.",
        ),
        "zh-hans": (
            "已进入评审团候选名单。我们会做一个粗略的原型，并在这里回复。",
            "进入评审团候选名单：支持数名列前茅，而且符合本次需求。",
        ),
    },
    "accepted": {
        "en": (
            "Accepted. It is simple, cheap to make and solves a problem many of you have. Next: "
            "prototypes for the Nimbus Insiders.",
            "Accepted: it met every success criterion in our test. Thank you, {author}!",
        ),
        "zh-hans": (
            "已采纳。简单、成本低，又解决了很多人的问题。下一步：给云朵内测团做原型。",
            "已采纳：在我们的测试中满足了所有成功标准。谢谢 {author}！",
        ),
    },
    "in_progress": {
        "en": (
            "In progress: the first 30 prototypes are being made. Testers are drawn by lot from "
            "the members who apply.",
            "In progress: the supplier has the drawings, and we expect samples in about six weeks.",
        ),
        "zh-hans": (
            "进行中：首批 30 个原型正在制作，测试者从报名的会员中抽签产生。",
            "进行中：供应商已拿到图纸，预计六周左右出样品。",
        ),
    },
    "delivered": {
        "en": (
            "Delivered: in every Nimbus store from this month, and fitted to new bikes. The "
            "packaging credits {author}.",
            "Delivered: available in all stores, and the design files are public. Thanks to "
            "everyone who supported it.",
        ),
        "zh-hans": (
            "已交付：本月起所有 Nimbus 门店有售，新车也会装上。包装上署名 {author}。",
            "已交付：所有门店都能买到，设计文件也已公开。感谢每一位支持者。",
        ),
    },
    "declined": {
        "en": (
            "Thank you, {author}. We built a test version and it rattled loose on cobblestones "
            "within a week. Until we find a mount that survives that, we cannot sell it.",
            "Declined for now: it needs a new frame mould, and the next frame change is planned "
            "for 2028. We have added it to the list for that redesign.",
            "We asked our stores: making this would cost more than most riders told us they "
            "would pay. Declined, with thanks.",
            "Our testers found that it makes the bike hard to park in standard city racks, "
            "which many of you rely on.",
            "The only supplier who can make this needs orders of 50,000 pieces, far more than "
            "we sell. Declined for now.",
            "It clashes with the cable route of the e-assist models, and we want one design "
            "for every bike.",
        ),
        "zh-hans": (
            "谢谢 {author}。我们做了测试版，在石板路上骑了一周就松动了。在找到能扛住这种路况的"
            "固定方式之前，我们没法销售。",
            "暂不采纳：这需要新的车架模具，而下一次车架改版计划在 2028 年。我们已把它加入那次"
            "改版的清单。",
            "我们问了门店：这个东西的制造成本超出了大多数骑手愿意支付的价格。暂不采纳，谢谢你。",
            "测试者发现装上后很难停进城市里的标准停车架，而很多人都要用这些停车架。",
            "唯一能做这个的供应商起订量是五万件，远超我们的销量。暂不采纳。",
            "它和电助力车型的走线冲突，我们希望所有车型用同一套设计。",
        ),
    },
    "out_of_scope": {
        "en": (
            "A good idea, but outside this challenge's brief. Please post it in the idea box, "
            "where it fits better.",
        ),
        "zh-hans": ("是个好点子，但超出了本次挑战的范围。请发到点子箱，那里更合适。",),
    },
    "duplicate": {
        "en": (
            "Archived as a duplicate of “{other}”, which has more support. Please add your "
            "voice there.",
        ),
        "zh-hans": ("与《{other}》重复，已归档；那一条支持更多，请到那里发表意见。",),
    },
    "archived": {
        "en": (
            "Archived: the current Nimbus City already has this (see the spec sheet in any store).",
            "Archived at the author's request; they are reworking it as a remix.",
        ),
        "zh-hans": (
            "已归档：现款 Nimbus City 已经有这个功能了（见门店规格表）。",
            "应作者要求归档，作者正在以改编的方式重新整理。",
        ),
    },
}


def title(solution: Solution, twist: Twist, language: str) -> str:
    if language == "en":
        return f"{solution.en} {twist.en}"
    if "的" in solution.zh:  # no double 的: "全家共用的可调龙头，可单独购买"
        return f"{solution.zh}，{twist.zh.removesuffix('的')}"
    space = " " if solution.zh[:1].isascii() else ""
    return f"{twist.zh}{space}{solution.zh}"


def body(
    rng: random.Random,
    theme: Theme,
    solution: Solution,
    twist: Twist,
    language: str,
    *,
    preface: str = "",
) -> str:
    """A Markdown description in one of three shapes."""
    en = language == "en"
    problem = (theme.problems if en else theme.zh_problems)[rng.choice(solution.problems)]
    benefit = (theme.benefits if en else theme.zh_benefits)[rng.choice(solution.benefits)]
    details = rng.sample(theme.details if en else theme.zh_details, 2)
    closing = rng.choice(CLOSINGS if en else ZH_CLOSINGS)
    context = rng.choice(CONTEXTS if en else ZH_CONTEXTS).format(
        km=rng.choice([3, 5, 6, 8, 9, 12, 14, 17, 22]), years=rng.randint(2, 9)
    )
    what = solution.en_text if en else solution.zh_text
    how = twist.en_text if en else twist.zh_text
    sep = " " if en else ""
    shape = rng.randrange(3)
    if shape == 0:
        labels = (
            ("The problem", "My idea", "Why it helps") if en else ("遇到的问题", "我的想法", "好处")
        )
        colon = ":" if en else "："
        text = (
            f"**{labels[0]}{colon}** {problem}\n\n**{labels[1]}{colon}** {what}{sep}{how}\n\n"
            f"**{labels[2]}{colon}** {benefit}\n\n- {details[0]}\n- {details[1]}\n\n{closing}"
        )
    elif shape == 1:
        text = f"{context}{sep}{problem}\n\n{what}{sep}{how}\n\n{benefit}{sep}{closing}"
    else:
        heads = ("What", "Why", "Details") if en else ("是什么", "为什么", "细节")
        text = (
            f"### {heads[0]}\n{what}\n\n### {heads[1]}\n{context}{sep}{problem}{sep}{benefit}"
            f"\n\n### {heads[2]}\n- {how}\n- {details[0]}\n- {details[1]}"
        )
    return f"{preface}\n\n{text}" if preface else text


def remix_preface(rng: random.Random, parent_title: str, language: str) -> str:
    if language == "en":
        change = rng.choice(REMIX_CHANGES)
        return f"A remix of “{parent_title}”: the same core idea, {change}."
    change = rng.choice(ZH_REMIX_CHANGES)
    return f"改编自《{parent_title}》：核心想法不变，但{change}。"


def resubmission_preface(count: int, language: str) -> str:
    if language == "en":
        return (
            f"Second try: my first version expired with {count} supporters. This one takes "
            "the comments into account."
        )
    return f"第二次尝试：第一版到期时只有 {count} 位支持者。这一版吸收了大家的评论。"


def tags(solution: Solution, language: str) -> list[str]:
    return list(solution.tags if language == "en" else solution.zh_tags)


def reason(rng: random.Random, kind: str, language: str, **values: str) -> str:
    return rng.choice(REASONS[kind][language]).format(**values)


# --- the three challenges ------------------------------------------------------------------

RAIN_CHALLENGE = {
    "title": "Rain-proof commuting · 雨天通勤",
    "type": "product_idea",
    "brief": """Half of our riders' commuting days fall in the wet season, and rain is the
first reason people give for leaving the bike at home. We want the **Nimbus City** to be
the bike you still take when the sky is grey.

我们的骑手有一半的通勤日处在雨季，"下雨"是大家把车留在家里的头号原因。我们希望
**Nimbus City** 成为阴天里你依然愿意骑出门的那辆车。

### How it works · 怎么参与
1. Post your idea before the submission phase ends. 在投稿阶段结束前发布你的点子。
2. Members support the ideas they want; ideas climb the support ladder.
   会员为想要的点子点支持，点子沿着支持阶梯往上爬。
3. Ideas that reach the top are reviewed by the jury in the next review window, and the
   team answers within 5 days. 到达顶端的点子会在下一个评审窗口由评审团审阅，团队在 5 天内答复。""",
    "what_we_need": """- Parts or accessories that keep **you, your bag and the bike** dry.
  让人、包和车都保持干爽的零件或配件。
- Changes we can make to the frame or to the factory fit-out. 我们能在车架或出厂配置上做的改动。
- Not in scope: clothing that we would not make ourselves. 不包括我们自己不生产的服装。""",
    "success_criteria": """- Works through a 30-minute downpour at 20 km/h. 在 20 km/h、30 分钟的大雨中依然有效。
- Adds less than 600 g to the bike. 增重不超过 600 克。
- Can sell for under €60 (about ¥450). 售价可以低于 60 欧元（约 450 元）。""",
}
RAIN_PRIZES: list[dict[str, Any]] = [
    {
        "title": "First ride on the prototypes · 原型首骑",
        "description": "The authors of the three most supported ideas test the prototypes "
        "first. 支持数前三的点子作者最先试骑原型。",
        "points": 500,
    },
    {
        "title": "Your name on the box · 包装署名",
        "description": "The idea we build ships with its authors' names on the packaging. "
        "被采纳的点子，包装上印作者的名字。",
    },
]
RAIN_TERMS = (
    "Nimbus may publish, adapt and build on any idea posted to this challenge, and credits "
    "its authors by name. You keep your rights; building it does not require your further "
    "permission. 云朵单车可以公开、改编并基于本挑战中的任何点子进行开发，并署名作者。你保留自己"
    "的权利；开发时无需再次征得你的同意。"
)
RAIN_TERMS_V2 = (
    RAIN_TERMS + "\n\nNew in version 2: photos of your own prototypes that you post here may "
    "appear in the product announcement, with your name. 第 2 版新增：你在这里发布的自制原型"
    "照片可能会署名出现在产品发布中。"
)

CARGO_CHALLENGE = {
    "title": "Cargo & family add-ons · 载物与亲子配件",
    "type": "product_idea",
    "brief": """Families are our fastest-growing group of riders. Which add-ons would let you
leave the car at home for the school run and the weekly shop?

家庭骑手是我们增长最快的群体。什么样的配件能让你接送孩子、每周采购都不用开车？

The submission phase is over: **now is the time to support** the ideas you would buy, and
tell us what you would pay. 投稿阶段已结束：**现在请为你会买的点子点支持**，并告诉我们你愿意付多少钱。""",
    "what_we_need": """- Add-ons for the Nimbus rack, the front of the bike or the frame.
  可装在 Nimbus 货架、车头或车架上的配件。
- Ideas that work for children from 1 to 6 years old. 适合 1 到 6 岁孩子的方案。""",
    "success_criteria": """- Safe: nothing a child can trap a finger in. 安全：孩子不会夹到手指。
- Fits in five minutes, with one hand free. 一只手空着也能五分钟装好。
- Members say they would pay what it costs to make. 会员愿意支付它的制造成本。""",
}
CARGO_QUESTIONS = [
    "What would you pay, in euros? 你愿意付多少钱（欧元）？",
    "How many would you buy? 你会买几个？",
]
CARGO_PRIZES: list[dict[str, Any]] = [
    {
        "title": "A family weekend · 亲子周末",
        "description": "Two nights at a bike-friendly farm for the winning family. "
        "获胜家庭可在骑行友好农场住两晚。",
    },
    {"title": "1,000 contribution points · 1000 贡献积分", "points": 1000},
]
CARGO_TERMS = (
    "Ideas are not confidential. Nimbus may build any idea posted here and credits its "
    "authors; the IP is shared between the authors and Nimbus. 点子不保密。云朵单车可以开发"
    "这里的任何点子并署名作者；知识产权由作者与云朵单车共享。"
)

NIGHT_CHALLENGE = {
    "title": "See and be seen: night riding · 夜骑：看得见，也被看见",
    "type": "design",
    "brief": """One in four of our riders rides home after dark at least once a week. Design
the parts that make a Nimbus **visible from every side** and let its rider see the road.

每四位骑手中就有一位每周至少一次在天黑后骑车回家。请设计让 Nimbus **从各个方向都能被看见**、
也让骑手看清路面的零件。

Support has closed. The jury is reviewing the shortlist; decisions follow in the decision
phase. 支持阶段已结束，评审团正在评审候选名单，结果将在决定阶段公布。""",
    "what_we_need": """- Lights, reflective surfaces and signals. 车灯、反光面和信号灯。
- Designs that work without the rider remembering to do anything. 不需要骑手记着操作的设计。""",
    "success_criteria": """- Visible from 150 m, from the front, back and sides. 前后左右 150 米外可见。
- Within the legal brightness limits. 亮度在法规范围内。
- Nothing to steal when the bike is parked. 停车时没有可被偷走的部件。""",
}
NIGHT_PRIZES: list[dict[str, Any]] = [
    {
        "title": "Winning design · 最佳设计",
        "description": "Built into the next Nimbus City, with the designers credited. "
        "将用于下一代 Nimbus City，并署名设计者。",
        "points": 2000,
    },
    {"title": "Runner-up · 亚军", "points": 500},
    {
        "title": "Members' favourite · 人气奖",
        "description": "The most supported idea. 支持最多的点子。",
    },
]
NIGHT_TERMS = (
    "Designs are not confidential. The IP of a winning design passes to Nimbus, which pays "
    "the prize and credits the designers; all other designs stay with their authors. 设计"
    "不保密。获奖设计的知识产权归云朵单车所有，云朵单车支付奖励并署名设计者；其他设计的权利归作者。"
)


# --- discussions ---------------------------------------------------------------------------
# Comments are assembled like the ideas: a question comes with the answers its author
# might give, a follow-up with its replies, and the openers vary. {thing} is the idea's
# solution (Chinese only: English comments say "it", which needs no article or agreement).

# The twists that make a solution a service (an app, an event) rather than a part.
SERVICE_TWISTS = frozenset({"cities", "volunteers", "bilingual", "free", "api", "students"})
# The twists that make a part something riders fit, remove and could lose.
ACCESSORY_TWISTS = frozenset({"quick", "easyfit", "spare", "flat"})


@dataclass(frozen=True)
class Question:
    """A member's question about an idea, the two answers its author might give and,
    for some, what Nimbus would say officially."""

    scope: str  # which ideas it fits: any of these words in the idea's scopes()
    en: str
    en_answers: tuple[str, str]
    zh: str  # {thing}: "这个" or the solution's name
    zh_answers: tuple[str, str]
    en_official: str = ""
    zh_official: str = ""


IDEA_QUESTIONS = (
    Question(
        "part",
        "Roughly how much weight would it add?",
        (
            "Very little: under 300 g by my estimate, less than a full bottle.",
            "My home-made version is about 400 g. A factory one should be lighter.",
        ),
        "{thing}大概会增加多少重量？",
        (
            "很轻，我估计不到 300 克，比一瓶满的水壶还轻。",
            "我自己做的那个大约 400 克，工厂做的应该更轻。",
        ),
        "For the record: we weigh every prototype, and no accessory may add more than 600 g.",
        "说明一下：每个原型我们都会称重，任何配件增重都不能超过 600 克。",
    ),
    Question(
        "part",
        "How would it hold up on cobblestones after a whole winter?",
        (
            "That is my worry too, and exactly what a prototype should be tested for.",
            "Mine has done about 2,000 km of cobblestones so far without any trouble.",
        ),
        "{thing}在石板路上骑一个冬天，还能这么牢固吗？",
        (
            "我也担心这个，这正是原型需要重点测试的地方。",
            "我自己那个已经在石板路上骑了两千公里左右，一点问题都没有。",
        ),
        "Speaking for Nimbus: everything we sell is tested for 1,000 km on cobblestones "
        "before it goes on sale.",
        "代表官方补充一下：我们卖的每样东西上市前都要在石板路上测试一千公里。",
    ),
    Question(
        "part",
        "Would it work on older Nimbus bikes, or only on the new ones?",
        (
            "Older ones too, as far as I can tell: the mounting points have not changed "
            "since 2020.",
            "Only new ones at first, I suspect. A retrofit kit for older frames would be great.",
        ),
        "老款 Nimbus 也能用{thing}吗，还是只有新车可以？",
        (
            "据我所知老车也可以，2020 年以来安装孔位一直没变。",
            "我猜一开始只有新车能用。要是能出个老车架的改装套件就太好了。",
        ),
        "To add the official view: frames from 2020 on share these mounting points. For "
        "older ones we would offer an adapter, as we do for racks.",
        "官方补充：2020 年以后的车架安装孔位都一样；更老的车架我们会像货架那样提供转接件。",
    ),
    Question(
        "part",
        "What do you think it should cost?",
        (
            "Around €40 (about ¥300). Any more and people will buy cheap copies.",
            "Whatever it costs to make plus a fair margin. I would rather it lasts.",
        ),
        "你觉得{thing}卖多少钱合适？",
        ("300 元左右吧，再贵大家就去买便宜的仿品了。", "成本加上合理的利润就行，我更在乎耐用。"),
        "On price: for every part that comes out of this community we publish how the "
        "price is made up, so you can judge it yourselves.",
        "关于价格：这个社区里诞生的每个零件，我们都会公开价格的构成，大家可以自己判断。",
    ),
    Question(
        "accessory",
        "Could I fit it myself, or would it need a store?",
        (
            "The idea is that anyone can fit it with one hex key.",
            "Yourself: it uses two bolts that are already on the frame.",
        ),
        "{thing}能自己装吗，还是要去门店？",
        (
            "设计的时候就考虑了：一把内六角扳手就能装好。",
            "自己就能装，用的是车架上现成的两个螺丝孔。",
        ),
        "For the record: stores fit Nimbus accessories for free when you buy them there.",
        "说明一下：在门店购买的 Nimbus 配件，门店免费安装。",
    ),
    Question(
        "accessory",
        "Could it be locked, so it does not walk away while the bike is parked?",
        (
            "A screw with a special head would stop casual thieves, and that is enough for me.",
            "I would rather keep it quick to remove and take it with me.",
        ),
        "{thing}能上锁吗？停车的时候会不会被人顺走？",
        (
            "用一颗特殊螺丝就能防住顺手牵羊的人，对我来说够了。",
            "我更希望它能快拆，停车时直接带走。",
        ),
        "From our side: it would use the same anti-theft screws as our lights, which any "
        "Nimbus store can open for you.",
        "我们这边的考虑：会用和车灯一样的防盗螺丝，任何一家 Nimbus 门店都能帮你拆装。",
    ),
    Question(
        "accessory",
        "Would it fit the step-through frame as well?",
        (
            "It should: both frames have the same mounting points.",
            "I only tried the diamond frame so far. Can someone with a step-through check?",
        ),
        "低跨车架也能装{thing}吗？",
        (
            "应该可以，两种车架的安装孔位是一样的。",
            "我只在普通车架上试过。有骑低跨车的车友能帮忙看看吗？",
        ),
        "We checked the drawings: the step-through frame has the same mounts, so yes.",
        "我们查了图纸：低跨车架的安装位是一样的，可以装。",
    ),
    Question(
        "mudguards bags storage chain",
        "Would it get in the way of the kickstand?",
        (
            "I checked on my own bike: there are about two centimetres to spare.",
            "Not on the City. On the cargo model it might, which is one more thing to test.",
        ),
        "{thing}会不会挡住停车支架？",
        (
            "我在自己车上量过，还有两厘米左右的余量，不会挡。",
            "City 车型不会。载物车型有可能，这也是要测试的一点。",
        ),
        "Our engineers measured it: 14 mm to spare on the City, not enough on the Cargo. A "
        "Cargo version would need its own bracket.",
        "工程师量过了：City 车型有 14 毫米余量，Cargo 车型不够，需要单独的支架。",
    ),
    Question(
        "rain",
        "How would you clean it after a muddy week?",
        (
            "Garden hose, thirty seconds. That was one of my own rules for the design.",
            "It comes off, so you can rinse it in the sink.",
        ),
        "骑了一周泥路之后，{thing}好清洗吗？",
        (
            "水管冲三十秒就干净，这是我设计时给自己定的规矩之一。",
            "可以拆下来，在水池里冲一下就行。",
        ),
    ),
    Question(
        "cargo bags shopping",
        "What load would it be rated for?",
        (
            "I would aim for 25 kg, printed on the part itself.",
            "Enough for a child and a bag of shopping; the frame is the limit, not the part.",
        ),
        "{thing}的额定载重大概是多少？",
        (
            "我的目标是 25 公斤，直接印在零件上。",
            "够放一个孩子加一袋菜；真正的上限在车架，不在这个零件。",
        ),
        "For the record: our rear rack is rated for 27 kg, and anything mounted on it has to "
        "stay within that.",
        "说明一下：我们的后货架额定载重 27 公斤，装在上面的任何东西都不能超过这个数。",
    ),
    Question(
        "kids",
        "Up to what age would it work for the kids?",
        (
            "From about one until they ride on their own, so six or seven.",
            "My two are 2 and 5 and both fit, so I would say up to six.",
        ),
        "{thing}适合多大的孩子用？",
        (
            "大约一岁到孩子能自己骑车，也就是六七岁。",
            "我家两个孩子一个 2 岁一个 5 岁，都能用，所以我觉得到六岁没问题。",
        ),
        "Officially: anything we make for children follows the child-seat standard, which "
        "covers children up to 22 kg, roughly six years old.",
        "官方说明：我们给孩子做的东西都按儿童座椅标准设计，适用于 22 公斤以下、大约六岁以内的孩子。",
    ),
    Question(
        "lights",
        "Would it run off the dynamo or off a battery?",
        (
            "The dynamo, so there is nothing to charge and nothing to forget.",
            "A small battery that the dynamo charges, so it stays lit at traffic lights.",
        ),
        "{thing}是用花鼓发电还是用电池？",
        (
            "用花鼓发电，不用充电，也就不会忘记。",
            "用一块由花鼓充电的小电池，这样等红灯时也一直亮着。",
        ),
        "Speaking for Nimbus: every light we design from now on has to run on the dynamo.",
        "代表官方说一句：我们今后设计的每一盏灯都必须能用花鼓发电。",
    ),
    Question(
        "night",
        "How does it cope with rain and fog?",
        (
            "Rain is fine: my design is sealed. Fog is harder, and I have not tested it yet.",
            "I rode with mine through a foggy November and it was the one light people saw.",
        ),
        "{thing}在雨天和雾天效果怎么样？",
        (
            "下雨没问题，我的设计是密封的。雾天难一些，我还没测试过。",
            "我在多雾的十一月一直用着，别人说路上最先看到的就是它。",
        ),
    ),
    Question(
        "service",
        "Who would run it in towns that have no Nimbus store?",
        (
            "Partner workshops could; several of them already work with Nimbus.",
            "Members could, with a starter kit from Nimbus.",
        ),
        "没有 Nimbus 门店的小城市，由谁来办？",
        (
            "合作的维修店就可以，已经有好几家在和 Nimbus 合作了。",
            "会员就能办，Nimbus 提供一套入门工具包就行。",
        ),
        "We would start in the cities with a store, then ask our partner workshops. Their "
        "list is on the website.",
        "我们会先从有门店的城市开始，再邀请合作维修店参与，名单在官网上。",
    ),
    Question(
        "service",
        "Would people need an account for it?",
        (
            "Not for the basics; that was important to me.",
            "The Nimbus Riders account would do, no second sign-up.",
        ),
        "{thing}需要注册账号才能用吗？",
        ("基本功能不需要账号，这一点对我很重要。", "用云朵骑士会的账号登录就行，不用再注册一个。"),
        "Officially: anything we build for riders works with your Nimbus Riders account.",
        "官方说明：我们为骑手做的任何服务都可以直接用云朵骑士会的账号。",
    ),
    Question(
        "service",
        "Roughly what would it cost Nimbus to run?",
        (
            "Mostly staff time: two people, one evening a month.",
            "Less than one advertising campaign, I would bet.",
        ),
        "{thing}大概要花 Nimbus 多少成本？",
        ("主要是人力：每月一个晚上，两个人。", "我猜比一次广告投放便宜得多。"),
    ),
    Question(
        "service",
        "Would it be open to people who do not ride a Nimbus?",
        (
            "Yes, I think it should be. That is how people get to know the brand.",
            "Members first, then others if there is room.",
        ),
        "不骑 Nimbus 的人也能参加{thing}吗？",
        ("我觉得应该可以，这正是让大家认识这个品牌的好机会。", "会员优先，有空位再开放给其他人。"),
        "Our events are open to everyone who rides; members of Nimbus Riders get the first places.",
        "我们的活动对所有骑行者开放，云朵骑士会的会员优先。",
    ),
    Question(
        "service",
        "Does something like this exist in another city already?",
        (
            "Utrecht has something similar, run by the city. It is always full.",
            "Not that I know of, which is why I posted it here.",
        ),
        "别的城市已经有类似的做法了吗？",
        ("乌得勒支有类似的，是市政府办的，每次都满员。", "据我所知还没有，所以我才发到这里。"),
    ),
)
QUESTION_OPENERS = (
    "",
    "",
    "Quick question: ",
    "I like this. ",
    "Curious: ",
    "Before I support it: ",
)
ZH_QUESTION_OPENERS = (
    "",
    "",
    "问一下：",
    "很喜欢这个想法。",
    "好奇一下：",
    "点支持之前想确认一下：",
)
ANSWER_OPENERS = ("", "", "Good question! ", "Thanks for asking. ", "I wondered about that too. ")
ZH_ANSWER_OPENERS = ("", "", "好问题！", "谢谢提问。", "我也想过这个问题。")

# (follow-up by the asker, the author's possible replies): threads that go deeper.
FOLLOW_UPS = {
    "part": (
        (
            "Thanks, that helps. Would a store fit it for people who have no tools?",
            (
                "Any store could, I think; it is a five-minute job.",
                "I hope so. Maybe the team can answer that one.",
            ),
            "明白了，谢谢。没有工具的人可以去门店请人装吗？",
            ("我觉得哪家门店都可以，五分钟的事。", "希望可以。也许官方能回答一下。"),
        ),
        (
            "Makes sense. Have you tried yours in heavy rain yet?",
            (
                "Twice last week. Everything stayed dry!",
                "Not yet, it has been dry here. I will report back.",
            ),
            "有道理。你的那个在大雨里试过了吗？",
            ("上周试了两次，一切正常！", "还没有，这边最近没下雨。试了再来汇报。"),
        ),
        (
            "OK! Would you be up for testing a prototype if they build one?",
            ("Absolutely, sign me up.", "Yes, as long as it is on a bike I can ride to work."),
            "好的！如果他们做了原型，你愿意去测试吗？",
            ("当然，算我一个。", "愿意，只要是我能骑着上班的车就行。"),
        ),
    ),
    "service": (
        (
            "Sounds good. Would you help organise the first one?",
            (
                "Yes! I already asked two friends from my club.",
                "I would help, but someone else should lead it.",
            ),
            "听起来不错。你愿意帮忙组织第一次吗？",
            ("愿意！我已经问了俱乐部的两个朋友。", "我可以帮忙，但最好由别人来牵头。"),
        ),
        (
            "And how would people find out about it?",
            (
                "The app and a poster in each store should do it.",
                "Word of mouth, mostly. Threads like this one.",
            ),
            "那大家怎么知道有这个活动呢？",
            ("App 推送加上每家门店贴张海报就够了。", "主要靠口口相传，就像这个帖子一样。"),
        ),
    ),
}
# Someone else joins a thread, about a part or about a service.
REMARKS = {
    "part": (
        "Following this thread: I have the same bike and would happily test it.",
        "+1 to all of this. Photos of a prototype would help a lot.",
        "I tried something similar last winter. It works if the mount is metal, not plastic.",
        "I had the same question, so thanks for asking it.",
        "Threads like this one are why I like this community: real answers.",
    ),
    "service": (
        "Following this thread: I would happily help out at the first one.",
        "+1 to all of this. A date and a place would make it real.",
        "I had the same question, so thanks for asking it.",
        "Threads like this one are why I like this community: real answers.",
    ),
}
ZH_REMARKS = {
    "part": (
        "关注这个帖子：我的车一样，很愿意帮忙测试。",
        "同意楼上。要是有原型照片就更好了。",
        "我去年冬天试过类似的做法：固定件用金属就行，塑料的不耐用。",
        "我也想问同样的问题，谢谢你问了。",
        "这种有问有答的讨论，正是我喜欢这个社区的原因。",
    ),
    "service": (
        "关注这个帖子：第一次活动我很愿意去帮忙。",
        "同意楼上。定下时间和地点，就真的能办起来了。",
        "我也想问同样的问题，谢谢你问了。",
        "这种有问有答的讨论，正是我喜欢这个社区的原因。",
    ),
}

SUGGESTIONS = (
    "Suggestion: {why}",
    "Nice! One thing would make it even better. {why}",
    "What about a version {twist}? {why}",
)
ZH_SUGGESTIONS = (
    "建议：{why}",
    "不错！还有一点能让它更好：{why}",
    "能不能做一个{twist}版本？{why}",
)
SUGGESTION_REPLIES = (
    "Good point, I will add that to the description.",
    "Yes! I had not thought of that.",
    "Maybe as an option: I would like to keep the basic version simple.",
)
ZH_SUGGESTION_REPLIES = (
    "好建议，我把它加到描述里。",
    "对！我之前没想到。",
    "可以做成选配，基础版我想保持简单。",
)
AGREEMENTS = (
    "Same here. {problem}",
    "+1. {problem} This would fix it.",
    "Supported. {benefit}",
    "Yes please! {benefit}",
)
ZH_AGREEMENTS = (
    "我也一样！{problem}",
    "+1。{problem}这个能解决。",
    "已支持。{benefit}",
    "求做！{benefit}",
)
CONCERNS = (
    "Nice idea. One request, though. {detail}",
    "I like it, with one condition. {detail}",
    "From experience with similar things, one request. {detail}",
)
ZH_CONCERNS = (
    "想法不错，提个要求：{detail}",
    "喜欢，不过有个条件：{detail}",
    "根据我用类似东西的经验，提个要求：{detail}",
)
DOUBTS = {
    "part": (
        "I am not convinced: every extra part is one more thing to break.",
        "Would this make the bike harder to lift onto a train?",
        "My worry is the price. The last accessory like this cost more than my helmet.",
    ),
    "service": (
        "Sounds great, but who pays for it in the long run?",
        "I worry it would only ever happen in the big cities.",
    ),
}
ZH_DOUBTS = {
    "part": (
        "我有点怀疑：多一个零件，就多一个会坏的地方。",
        "装上以后，把车搬上火车会不会更费劲？",
        "我担心价格。上次类似的配件比我的头盔还贵。",
    ),
    "service": ("听起来很好，但长期下来谁来出钱？", "我担心最后只有大城市才有。"),
}
CONCERN_REPLIES = (
    "Fair point. I would rather it were a bit heavier and lasted for years.",
    "Agreed, that should be part of the spec.",
    "True. A prototype would show whether it is a real problem.",
)
ZH_CONCERN_REPLIES = (
    "有道理。我宁可它重一点，但能用很多年。",
    "同意，这一条应该写进要求里。",
    "确实。做个原型就知道是不是真问题了。",
)

# Official answers, by the idea's stage (or "watching": a popular idea not yet decided).
OFFICIAL: dict[str, dict[str, tuple[str, ...]]] = {
    "under_review": {
        "en": (
            "Our engineers are building three test versions of this now. We will post what we "
            "learn here, good or bad.",
            "We are reviewing this with our supplier this week. {author}, could you post a photo "
            "or a sketch of your version? It would help the team.",
            "The team has read every comment in this thread; the worries about weight and price "
            "are on our test list.",
        ),
        "zh-hans": (
            "工程师正在做三个测试版本，结果不管好坏都会发在这里。",
            "我们本周在和供应商一起评估。{author}，能发一张你那个版本的照片或草图吗？对团队很有帮助。",
            "团队看过了这里的每一条评论，大家对重量和价格的顾虑都列进了测试清单。",
        ),
    },
    "accepted": {
        "en": (
            "Thank you all: the comments here shaped the specification. We start with the "
            "commuter models and will post the test plan in this thread.",
            "To be clear about what accepted means: we build prototypes first, and the Nimbus "
            "Insiders test them before anything reaches the stores.",
        ),
        "zh-hans": (
            "谢谢大家：这里的评论帮我们定下了规格。先从通勤车型开始，测试计划会发在这个帖子里。",
            "说明一下\u201c已采纳\u201d的意思：我们先做原型，由云朵内测团测试之后才会上架。",
        ),
    },
    "in_progress": {
        "en": (
            "Progress report: the first samples arrived and passed the 1,000 km cobblestone "
            "test. Next is the rain test.",
            "We now have a part number and a supplier. Testers for the Insiders round are drawn "
            "this week.",
        ),
        "zh-hans": (
            "进度汇报：第一批样品到了，通过了一千公里的石板路测试，下一步是淋雨测试。",
            "已经有了零件编号和供应商，本周抽签选出内测团的测试者。",
        ),
    },
    "delivered": {
        "en": (
            "It is in the stores now, and the fitting guide is online. Tell us here how it works "
            "for you after a few weeks.",
            "Delivered! Thanks to everyone who supported it and argued about the details here.",
        ),
        "zh-hans": (
            "已经在门店上架，安装指南也放到网上了。用几周后欢迎来这里反馈。",
            "已交付！感谢每一位支持它、在这里讨论细节的人。",
        ),
    },
    "declined": {
        "en": (
            "We know this is disappointing. The reason is in the decision above; if it changes, "
            "for example with a new supplier, we will reopen this idea and say so here.",
            "Declined does not mean forgotten: we keep this discussion for the next frame "
            "redesign.",
        ),
        "zh-hans": (
            "我们知道这有点让人失望。原因写在上面的决定里；如果情况有变，比如找到新的供应商，"
            "我们会在这里说明并重新考虑。",
            "暂不采纳不等于忘记：这里的讨论会留给下一次车架改版参考。",
        ),
    },
    "watching": {
        "en": (
            "The team is following this discussion. Nothing is decided yet; keep the feedback "
            "coming, especially on what you would pay.",
            "Thanks for the detailed comments, everyone. This is on the list for our next "
            "review; until then, tell us where it would help you most.",
        ),
        "zh-hans": (
            "团队一直在关注这里的讨论。目前还没有定论，欢迎继续反馈，特别是你愿意付多少钱。",
            "谢谢大家这么详细的评论。它已经列入下一次评审，在那之前，欢迎告诉我们它在哪些场景最有用。",
        ),
    },
}
NUDGES = {
    "en": "It has been more than five days since this reached the top of the ladder. Any news "
    "from the team?",
    "zh-hans": "这个点子到达支持阶梯顶端已经超过五天了，团队有消息吗？",
}

# Questions about each challenge's brief, each with the official answer.
CHALLENGE_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "rain": [
        (
            "Does the 600 g limit include the mounting hardware, or only the part itself?",
            "Everything that goes on the bike, mounts included. Tools you carry do not count.",
        ),
        (
            "可以提交需要改车架的方案吗？还是只收配件？",
            "可以。车架改动也在范围内，但请说明改在哪里，我们会和下一次改版一起评估。",
        ),
        (
            "Is winter in scope, or only rain? Slush is my real enemy.",
            "Slush counts as rain for this challenge: wet is wet. Ideas for snow and ice, such as "
            "studded tyres, belong in the idea box.",
        ),
    ],
    "cargo": [
        (
            "\u201c1 到 6 岁\u201d是指孩子的年龄吗？婴儿座椅算不算？",
            "是孩子的年龄。1 岁以下的婴儿座椅这次不做，因为需要另外的安全认证。",
        ),
        (
            "Why do you ask what we would pay? Will the answers set the price?",
            "The answers tell us whether a part can be made at a price riders accept. They do "
            "not set the price, but a part nobody would pay for will not be made.",
        ),
        (
            "Are ideas for the front of the bike welcome too, or only for the rack?",
            "Both: the rack, the front of the bike and the frame are all in scope.",
        ),
    ],
    "night": [
        (
            "Are blinking lights allowed? Here the law only allows steady ones at the front.",
            "Please design for a steady light at the front and the back; a blinking mode can be "
            "an extra where it is legal. The jury judges the steady version.",
        ),
        (
            "评审的时候会实际测试 150 米外可见吗？",
            "会。候选名单上的设计我们都会在夜间试车场实测，结果会公布在各自的点子页面。",
        ),
        (
            "If my design does not win, does Nimbus still own it?",
            "No. Only the winning design passes to Nimbus; every other design stays with its "
            "authors, as the terms say.",
        ),
    ],
}


T = TypeVar("T")


def _fresh(rng: random.Random, options: Sequence[T], used: set[str], key: Any = str) -> T:
    """One of the options, avoiding those already said in this discussion (`used`,
    which records the choice) while any are left."""
    unused = [option for option in options if key(option) not in used]
    choice = rng.choice(unused or list(options))
    used.add(key(choice))
    return choice


def _in(language: str, en: T, zh: T) -> T:
    return en if language == "en" else zh


def scopes(theme_key: str, solution: Solution) -> set[str]:
    """What kind of thing the solution is (a service, or a part with its theme and
    tags, maybe an accessory), for choosing the questions that fit it."""
    if SERVICE_TWISTS & set(solution.twists):
        return {"service"}
    found = {"part", theme_key, *solution.tags}
    if ACCESSORY_TWISTS & set(solution.twists):
        found.add("accessory")
    return found


def question(
    rng: random.Random, theme_key: str, solution: Solution, language: str, used: set[str]
) -> tuple[str, Question]:
    """A member's question that fits the idea, and the question's data (for the answers)."""
    kinds = scopes(theme_key, solution)
    fitting = [q for q in IDEA_QUESTIONS if kinds & set(q.scope.split())]
    q = _fresh(rng, fitting, used, key=lambda q: q.en)
    opener = rng.choice(_in(language, QUESTION_OPENERS, ZH_QUESTION_OPENERS))
    if language == "en":
        asked = q.en[0].lower() + q.en[1:] if opener.endswith(": ") else q.en
        return opener + asked, q
    thing = rng.choice(["这个", solution.zh, f"这个{solution.zh}"])
    return opener + q.zh.format(thing=thing), q


def answer(rng: random.Random, q: Question, language: str, used: set[str]) -> str:
    opener = rng.choice(_in(language, ANSWER_OPENERS, ZH_ANSWER_OPENERS))
    return opener + _fresh(rng, _in(language, q.en_answers, q.zh_answers), used)


def official_answer(q: Question, language: str) -> str:
    """What Nimbus says about the question ("" when it leaves it to the author)."""
    return _in(language, q.en_official, q.zh_official)


def follow_up(
    rng: random.Random, service: bool, language: str, used: set[str]
) -> tuple[str, tuple[str, str]]:
    """The asker's next question, and the author's possible replies."""
    en, en_replies, zh, zh_replies = _fresh(
        rng, FOLLOW_UPS["service" if service else "part"], used, key=lambda f: f[0]
    )
    return _in(language, (en, en_replies), (zh, zh_replies))


def remark(rng: random.Random, service: bool, language: str, used: set[str]) -> str:
    remarks = _in(language, REMARKS, ZH_REMARKS)["service" if service else "part"]
    return _fresh(rng, remarks, used)


def suggestion(
    rng: random.Random, solution: Solution, current: Sequence[str], language: str, used: set[str]
) -> str:
    """Another of the solution's twists (not one in the idea's title), proposed as a
    variant."""
    others = [key for key in solution.twists if key not in current] or list(solution.twists)
    twist = TWISTS[_fresh(rng, others, used)]
    if language == "en":
        return rng.choice(SUGGESTIONS).format(twist=twist.en, why=twist.en_text)
    return rng.choice(ZH_SUGGESTIONS).format(twist=twist.zh, why=twist.zh_text)


def agreement(
    rng: random.Random, theme: Theme, solution: Solution, language: str, used: set[str]
) -> str:
    """A member who has the problem the idea solves, or wants what it brings."""
    en = language == "en"
    problems = [(theme.problems if en else theme.zh_problems)[i] for i in solution.problems]
    benefits = [(theme.benefits if en else theme.zh_benefits)[i] for i in solution.benefits]
    templates = [
        t
        for t in _in(language, AGREEMENTS, ZH_AGREEMENTS)
        if not ("{problem}" in t and set(problems) <= used)
        and not ("{benefit}" in t and set(benefits) <= used)
    ]
    template = _fresh(rng, templates or _in(language, AGREEMENTS, ZH_AGREEMENTS), used)
    problem = _fresh(rng, problems, used) if "{problem}" in template else ""
    benefit = _fresh(rng, benefits, used) if "{benefit}" in template else ""
    return template.format(problem=problem, benefit=benefit)


def concern(rng: random.Random, service: bool, theme: Theme, language: str, used: set[str]) -> str:
    """A worry: a general doubt, or one of the theme's details as a request."""
    if rng.random() < 0.35:
        doubts = _in(language, DOUBTS, ZH_DOUBTS)["service" if service else "part"]
        return _fresh(rng, doubts, used)
    detail = _fresh(rng, _in(language, theme.details, theme.zh_details), used)
    return rng.choice(_in(language, CONCERNS, ZH_CONCERNS)).format(detail=detail)


def reply(rng: random.Random, kind: str, language: str, used: set[str]) -> str:
    """The author's reply to a suggestion or to a concern."""
    options = {
        "suggestion": _in(language, SUGGESTION_REPLIES, ZH_SUGGESTION_REPLIES),
        "concern": _in(language, CONCERN_REPLIES, ZH_CONCERN_REPLIES),
    }[kind]
    return _fresh(rng, options, used)


def official(rng: random.Random, kind: str, language: str, used: set[str], **values: str) -> str:
    return _fresh(rng, OFFICIAL[kind][language], used).format(**values)


# --- idea updates: progress posts by the authors (LEGO Ideas style) --------------------------
#
# An update is assembled like an idea: a title, an opening, photos described in words,
# notes and a closing, chosen by the update's kind and by what the idea is: a part of
# the bike, a feature of the Nimbus app, or a service run in stores or by members.
# Kinds: before any decision "progress" (a home-made version), "question" (to the
# supporters) and "thanks" (a support milestone); after a stage change "meeting"
# (under review), "prototype" (accepted), "samples" (in progress), "delivered" and
# "declined". {handle} is left in the text: the demo replaces it with a member's handle.

UPDATE_TITLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "progress:part": (
        (
            "Progress photos: my mock-up of the {thing}",
            "I built a rough version – photos inside",
            "{km} km with a home-made version",
            "Version 2 of my mock-up",
        ),
        (
            "进度照片：自己动手做的样品",
            "做了个粗糙的样品，附照片",
            "自制版本骑了 {km} 公里",
            "样品第二版",
        ),
    ),
    "progress:app": (
        ("Paper mock-ups of the screens", "What it could look like: first sketches"),
        ("界面草图来了", "大概会是这个样子：第一版草图"),
    ),
    "progress:service": (
        ("We tried a small version", "First trial run: photos and notes"),
        ("我们先小规模试了一次", "第一次试运行：照片和笔记"),
    ),
    "question": (
        (
            "A question for supporters: which version?",
            "Help me choose the next version",
            "Which version would you choose?",
        ),
        ("想问问支持者：选哪个版本？", "请大家帮我选下一版", "你会选哪个版本？"),
    ),
    "question:where": (
        ("Where would you use it?", "A question for supporters: how do you ride?"),
        ("你会在什么时候用它？", "想问问支持者：你平时怎么骑？"),
    ),
    "thanks": (
        ("{count} supporters – thank you!", "We passed {count} supporters", "{count} of you now!"),
        ("{count} 位支持者，谢谢大家！", "支持者突破 {count} 位", "已经有 {count} 位支持者了"),
    ),
    "meeting": (
        ("A meeting with the Nimbus team", "An hour with the engineers", "What the team asked us"),
        ("和 Nimbus 团队见了一面", "和工程师们聊了一个小时", "团队问了我们哪些问题"),
    ),
    "prototype:part": (
        ("The first prototype is here", "Photos of the Nimbus prototype"),
        ("第一个原型来了", "Nimbus 原型照片"),
    ),
    "prototype:app": (
        ("The first test version", "Screenshots of the test version"),
        ("测试版来了", "测试版截图"),
    ),
    "prototype:service": (
        ("The pilot is ready", "A date, a place and a team"),
        ("试点准备好了", "有了日期、地点和团队"),
    ),
    "samples:part": (
        ("Progress report: the first samples", "Samples from the supplier"),
        ("进度汇报：第一批样品", "供应商的样品到了"),
    ),
    "samples:app": (("Progress report: the beta is out",), ("进度汇报：公测版上线",)),
    "samples:service": (("Progress report: the pilot has started",), ("进度汇报：试点开始了",)),
    "delivered:part": (
        ("It's in the stores!", "Delivered – thank you all"),
        ("上架了！", "已交付，谢谢大家"),
    ),
    "delivered:app": (("It's live in the app!",), ("App 里已经上线了！",)),
    "delivered:service": (("Open to every member now!",), ("正式对所有会员开放了！",)),
    "declined": (
        ("After the decision", "What next, after the team said no"),
        ("关于这次的决定", "暂不采纳之后"),
    ),
}

UPDATE_OPENINGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "progress:part": (
        (
            "I could not wait for a prototype, so I built a rough version of the {thing} from "
            "parts I had at home and fitted it to my own bike.",
            "Several of you asked what this would look like in real life. Here is my mock-up of "
            "the {thing}: a hacksaw, cable ties and more patience than skill.",
            "A small progress report: I have now ridden {km} km with a home-made version of the "
            "{thing}.",
        ),
        (
            "等不及官方原型，我用家里现成的零件先做了一个粗糙的{thing}，装在自己的车上。",
            "好几位车友问实物会是什么样子。这是我自己做的样品：一把钢锯、一包扎带，再加上比手艺多得多的耐心。",
            "小小的进度汇报：自制版的{thing}我已经骑了 {km} 公里。",
        ),
    ),
    "progress:app": (
        (
            "I drew the {thing} screen by screen on paper and tried it on five friends from my "
            "riding club.",
            "Several of you asked how the {thing} would work in practice, so I made clickable "
            "mock-ups and tried them on my commute.",
        ),
        (
            "我把{thing}一屏一屏画在纸上，找了骑行俱乐部的五个朋友试用。",
            "好几位问{thing}实际怎么用，我做了可以点击的界面草图，在通勤路上自己试了试。",
        ),
    ),
    "progress:service": (
        (
            "I did not want the {thing} to stay an idea, so I tried a small version with the "
            "manager of my local Nimbus store.",
            "A progress report on the {thing}: we ran a first small trial, without any budget, "
            "just to see whether people would come.",
        ),
        (
            "不想让{thing}只停留在想法阶段，我和家附近 Nimbus 门店的店长一起先小规模试了一次。",
            "{thing}的进度汇报：我们没花一分钱，先做了一次小规模试运行，看看大家会不会来。",
        ),
    ),
    "question": (
        (
            "Before I update the description of the {thing}, I would like your opinion.",
            "The team will ask which version riders want, so let's decide together.",
        ),
        (
            "在修改{thing}的描述之前，想先听听大家的意见。",
            "团队迟早会问骑手想要哪个版本，不如我们先一起定下来。",
        ),
    ),
    "thanks": (
        (
            "When I posted this I hoped for ten supporters. Today there are {count} of you. "
            "Thank you!",
            "{count} supporters for the {thing}! I read every comment, including the critical "
            "ones, and they made the idea better.",
            "A quick thank-you: {count} of you now support the {thing}.",
        ),
        (
            "发帖的时候，我只盼着能有十个人支持。今天已经有 {count} 位了，谢谢大家！",
            "{thing}有了 {count} 位支持者！每条评论我都看了，包括提意见的，它们让这个点子变得更好。",
            "简单说声谢谢：{thing}已经有 {count} 位支持者了。",
        ),
    ),
    "meeting": (
        (
            "Last week I spent an hour with {staff} and two engineers at the Nimbus workshop. I "
            "brought my version of the {thing}; they brought a long list of questions.",
            "The team invited me to a video call about the {thing}: {staff}, an engineer and "
            "someone from purchasing.",
        ),
        (
            "上周我在 Nimbus 工作室和{staff}还有两位工程师聊了一个小时。我带去了自己做的版本，他们带来了一长串问题。",
            "团队约我开了个视频会议聊{thing}：{staff}、一位工程师，还有采购部门的同事。",
        ),
    ),
    "prototype:part": (
        (
            "The workshop sent me photos of the first prototype of the {thing}, and I am allowed "
            "to share them.",
            "I visited the Nimbus workshop yesterday and held the first prototype of the {thing} "
            "in my hands.",
        ),
        (
            "工作室把{thing}第一个原型的照片发给了我，允许我公开。",
            "昨天我去了 Nimbus 工作室，亲手拿到了{thing}的第一个原型。",
        ),
    ),
    "prototype:app": (
        ("The app team sent me the first test version of the {thing}.",),
        ("App 团队把{thing}的第一个测试版发给了我。",),
    ),
    "prototype:service": (
        ("The pilot of the {thing} has a date, a place and a team. Here is what it looks like.",),
        ("{thing}有了日期、地点和团队。试点大概是这个样子。",),
    ),
    "samples:part": (
        ("The supplier delivered the first samples of the {thing}, and the team let me see them.",),
        ("供应商交来了{thing}的第一批样品，团队让我去看了看。",),
    ),
    "samples:app": (("There is now a public beta of the {thing}.",), ("{thing}已经开始公测了。",)),
    "samples:service": (
        ("The pilot of the {thing} is running, and here is how the first weeks went.",),
        ("{thing}试点已经开始了，说说头几周的情况。",),
    ),
    "delivered:part": (
        (
            "You can now buy the {thing} in every Nimbus store. I bought the first one at my "
            "local store on Saturday (yes, I paid).",
        ),
        (
            "{thing}已经在所有 Nimbus 门店上架了。周六我在家附近的门店买下了第一个（是的，自己掏钱买的）。",
        ),
    ),
    "delivered:app": (
        ("As of this week, everyone can use the {thing}.",),
        ("{thing}已经在 Nimbus App 里对所有人上线了。",),
    ),
    "delivered:service": (
        (
            "From this month, every member has access to the {thing}, not only those of us "
            "who tried the pilot.",
        ),
        ("{thing}现在对所有会员开放了，不只是参加过试点的我们。",),
    ),
    "progress:place": (
        (
            "I did not want the {thing} to stay an idea, so I asked the manager of my local "
            "Nimbus store whether we could try it with a borrowed shelter.",
        ),
        (
            "不想让{thing}只停留在想法阶段，我问了家附近 Nimbus 门店的店长，能不能先借个雨棚试一试。",
        ),
    ),
    "declined": (
        (
            "The team declined the {thing} for now, and the reason they gave is fair. Thank you "
            "to the {count} of you who supported it.",
        ),
        ("团队暂不采纳{thing}，给出的理由也说得过去。谢谢支持它的 {count} 位车友。",),
    ),
}

# Photos, described in words: three of these per update.
UPDATE_PHOTOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "progress:part": (
        (
            "**On the workbench:** all the pieces laid out before fitting, about {grams} g in "
            "total.",
            "**Fitted, side view:** on my Nimbus City with the rack and the kickstand in place, "
            "so you can see that nothing gets in the way.",
            "**Close-up of the mount:** two bolts and a strip of old inner tube, so nothing "
            "rattles.",
            "**After {km} km:** a bit dirty, still straight, no cracks.",
            "**Version 1 next to version 2:** the new one is shorter and has rounded edges.",
            "**On a wet evening:** blurry, sorry, but it shows the whole thing in use.",
            "**The first sketch**, on the back of a receipt from the bike shop.",
        ),
        (
            "**工作台上：** 装车前所有零件摆在一起，总共大约 {grams} 克。",
            "**装好后的侧面：** 装在我的 Nimbus City 上，货架和停车支架都在，可以看到完全不碍事。",
            "**固定件特写：** 两颗螺丝加一段旧内胎，骑起来一点都不响。",
            "**骑了 {km} 公里之后：** 有点脏，但没变形，也没裂。",
            "**第一版和第二版对比：** 新的短一点，边角磨圆了。",
            "**雨夜实拍：** 有点糊，抱歉，但能看到整体效果。",
            "**最初的草图**，画在车店小票的背面。",
        ),
    ),
    "progress:app": (
        (
            "**Screen 1:** the start page, one big button and nothing else.",
            "**Screen 2:** the result in large type, readable with gloves on.",
            "**The paper version**, taped to my handlebar for a test ride.",
            "**My friends' notes:** mostly “bigger text” and “fewer steps”.",
            "**Screen 3:** the settings, which I cut down from ten options to three.",
        ),
        (
            "**第一屏：** 首页，只有一个大按钮。",
            "**第二屏：** 结果页，字很大，戴着手套也看得清。",
            "**纸面版本**，用胶带贴在车把上试骑。",
            "**朋友们的意见：** 大多是“字再大一点”和“步骤再少一点”。",
            "**第三屏：** 设置页，我把十个选项砍到了三个。",
        ),
    ),
    "progress:service": (
        (
            "**The one-page plan** we wrote together: who does what, and what it costs.",
            "**The sign-up list** after one week: {signups} names, several of them new to the "
            "community.",
            "**The trial run last Saturday**, in the back room of the store.",
            "**The feedback wall:** sticky notes from everyone who came.",
            "**The store manager and me**, already planning the next one.",
        ),
        (
            "**一页纸计划：** 我们一起写的，谁负责什么、要花多少钱。",
            "**报名表：** 一周就有 {signups} 个名字，好几位是社区新人。",
            "**上周六的试运行**，在门店后面的小房间里。",
            "**意见墙：** 每位参加者留下的便利贴。",
            "**我和店长**，已经在商量下一次了。",
        ),
    ),
    "progress:place": (
        (
            "**The corner by the entrance** where it could go: room for eight bikes.",
            "**The borrowed shelter**, put up on Saturday morning with two friends.",
            "**During a downpour:** five riders waiting it out, dry, with coffee from the store.",
            "**The sign** we taped to the door: “Caught in the rain? Park here.”",
        ),
        (
            "**门口的那个角落**，可以放在这里：能停八辆车。",
            "**借来的雨棚**，周六早上和两个朋友一起搭的。",
            "**下暴雨的时候：** 五位骑手在这里躲雨，身上干干的，还喝着门店的咖啡。",
            "**贴在门上的告示：**“遇上大雨？停这里。”",
        ),
    ),
    "prototype:place": (
        (
            "**The drawing** of the shelter, with the store's entrance for scale.",
            "**The rack they chose:** it holds cargo bikes too.",
            "**The lockers**, one per space, opened with the Nimbus app.",
            "**The first pilot store**, with the builders' tape still up.",
        ),
        (
            "**雨棚的设计图**，旁边画着门店入口作为参照。",
            "**他们选的停车架：** 载物车也能停。",
            "**储物柜**，每个车位一个，用 Nimbus App 开锁。",
            "**第一家试点门店**，施工的警示带还没撤。",
        ),
    ),
    "samples:place": (
        (
            "**The first week:** {signups} bikes parked during one rainy afternoon.",
            "**The lockers in use**, with helmets and wet capes inside.",
            "**The store team** trying out the new setup.",
        ),
        (
            "**第一周：** 一个下雨的下午就停了 {signups} 辆车。",
            "**储物柜用起来了**，里面放着头盔和湿雨披。",
            "**门店团队**在试用新的安排。",
        ),
    ),
    "prototype:part": (
        (
            "**Next to my mock-up:** theirs is neater, lighter and in the right colour.",
            "**On the test bike** in the workshop, with a tester's number on the frame.",
            "**The new mount:** one bolt instead of two, which I would never have thought of.",
            "**The drawing**, with the engineers' notes in the margin.",
            "**After the first cobblestone run:** a few scratches, nothing loose.",
        ),
        (
            "**和我的样品放在一起：** 他们的更精致、更轻，颜色也对。",
            "**装在工作室的测试车上**，车架上贴着测试编号。",
            "**新的固定方式：** 一颗螺丝代替两颗，我自己怎么也想不到。",
            "**图纸**，页边写满了工程师的批注。",
            "**第一次石板路测试后：** 有几道划痕，没有松动。",
        ),
    ),
    "prototype:app": (
        (
            "**The first build** running on a test phone.",
            "**The settings screen**, simpler than my sketch.",
            "**On the handlebar** during a test ride in the rain.",
            "**The list of known bugs**, mercifully short.",
        ),
        (
            "**第一个测试版**，跑在测试手机上。",
            "**设置页**，比我的草图还简洁。",
            "**装在车把上**，雨中试骑。",
            "**已知问题清单**，还好不长。",
        ),
    ),
    "prototype:service": (
        (
            "**The poster** for the first date, designed by the store team.",
            "**The room** they set aside, with a workbench and a coffee machine.",
            "**The plan for the first three months**, pinned to the store's notice board.",
            "**The volunteers' rota:** six names, two of them from this thread.",
        ),
        (
            "**第一次活动的海报**，门店团队设计的。",
            "**他们专门腾出来的房间**，有工作台，还有咖啡机。",
            "**头三个月的计划**，贴在门店的公告栏上。",
            "**志愿者排班表：** 六个名字，其中两位就来自这个帖子。",
        ),
    ),
    "samples:part": (
        (
            "**A box of thirty samples**, each with a label and a test number.",
            "**The production mount**, now metal instead of plastic.",
            "**My own bike with a sample fitted**, the first one outside the workshop.",
            "**The test log:** {distance} km on cobblestones so far, no failures.",
        ),
        (
            "**一箱三十个样品**，每个都贴着标签和测试编号。",
            "**量产版固定件**，从塑料换成了金属。",
            "**装在我自己车上的样品**，第一个离开工作室的。",
            "**测试记录：** 石板路已经跑了 {distance} 公里，没有一次故障。",
        ),
    ),
    "samples:app": (
        (
            "**The beta on my phone**, logo and all.",
            "**The list of beta testers:** forty riders, half of them from this community.",
            "**Bug number one**, found by me and fixed the same day.",
        ),
        (
            "**我手机上的公测版**，连图标都有了。",
            "**公测名单：** 四十位骑手，一半来自这个社区。",
            "**第一个 bug**，我发现的，当天就修好了。",
        ),
    ),
    "samples:service": (
        (
            "**The first date:** {signups} riders, three mechanics, and one broken chain fixed "
            "live.",
            "**The booking page**, already full for next month.",
            "**The store team** trying out the new setup.",
        ),
        (
            "**第一次活动：** {signups} 位骑手、三位师傅，现场修好了一根断链。",
            "**预约页面**，下个月已经约满了。",
            "**门店团队**在试用新的安排。",
        ),
    ),
}
PHOTOS_LABELS = (("What the photos show:", "The photos:"), ("照片说明：", "几张照片："))

# What the authors learned from the team (under review).
UPDATE_LEARNED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "part": (
        (
            "They measured everything and photographed the mount from every side.",
            "Accessories may add at most 600 g, so there is room to spare.",
            "They already know a supplier who makes something similar for another brand.",
            "Before anything else it goes on the cobblestone test track.",
            "Price matters to them as much as to us; they asked what you would pay.",
        ),
        (
            "他们把每个尺寸都量了，固定件从各个角度都拍了照。",
            "配件增重上限是 600 克，还有余量。",
            "他们认识一家供应商，正在给别的品牌做类似的东西。",
            "第一步是上石板路测试道。",
            "他们和我们一样在乎价格，还问大家愿意出多少钱。",
        ),
    ),
    "app": (
        (
            "Adding a screen to the app is less work than I feared.",
            "They want to test it with riders who are not good with phones.",
            "The data it needs is already in the app; it is mostly a design question.",
            "They asked whether it should be free. I said yes, of course.",
        ),
        (
            "在 App 里加一个页面，工作量比我担心的小。",
            "他们想找不太会用手机的骑手来测试。",
            "需要的数据 App 里已经有了，主要是设计问题。",
            "他们问是否应该免费，我说当然。",
        ),
    ),
    "service": (
        (
            "Three stores have already offered to host it.",
            "They asked who runs it when the first enthusiasm is gone. A fair question.",
            "They want to start in one city and count who comes.",
            "Insurance is the boring part, and they will sort it out.",
        ),
        (
            "已经有三家门店主动提出愿意承办。",
            "他们问热情过后由谁来长期运营，这个问题问得好。",
            "他们想先在一个城市试点，统计来的人数。",
            "保险是最无聊的部分，他们会负责搞定。",
        ),
    ),
}

UPDATE_CLOSINGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "progress": (
        (
            "Questions about the build? Ask in the comments.",
            "Next: a cleaner version, and then I will leave it to the experts.",
            "If you have tried something similar, please tell us how it went.",
        ),
        (
            "有疑问的，欢迎在评论里问。",
            "下一步：做一个更利落的版本，然后就交给专业的人了。",
            "如果你也试过类似的做法，欢迎分享经验。",
        ),
    ),
    "question": (
        (
            "Which would you choose, and why? I read every comment.",
            "Vote in the comments: A or B, and one sentence on why.",
        ),
        (
            "你会选哪个？为什么？每条评论我都会看。",
            "在评论里投票吧：A 还是 B，再用一句话说说理由。",
        ),
    ),
    "meeting": (
        (
            "Next: they build test versions. I will post what I am allowed to share.",
            "Nothing is decided yet, but it was good to be taken seriously.",
        ),
        (
            "下一步：他们会做测试版本，能公开的我都会发在这里。",
            "还没有定论，但被认真对待的感觉真好。",
        ),
    ),
    "prototype": (
        (
            "Testers from the Nimbus Insiders get theirs next month.",
            "Next: testing, testing, testing.",
        ),
        ("云朵内测团的测试者下个月就能拿到。", "下一步：测试，测试，再测试。"),
    ),
    "samples": (
        (
            "If the tests go well, it reaches the stores this season.",
            "Thank you for your patience: the slow part is the testing, as it should be.",
        ),
        ("如果测试顺利，这一季就能上架。", "谢谢大家的耐心：最慢的是测试环节，本来也该慢。"),
    ),
}

# A mention in an update, by who is mentioned: {handle} becomes "@handle".
UPDATE_MENTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "coauthor": (
        (
            "Thanks to {handle}, my co-author, for the sketches and for measuring three "
            "different frames.",
            "{handle} did most of the work on this one. Thank you!",
        ),
        (
            "感谢共同作者 {handle} 画的草图，还量了三种不同的车架。",
            "这一版大部分工作都是 {handle} 做的，谢谢！",
        ),
    ),
    "author": (
        ("Posting this for both of us; {handle} took the photos.",),
        ("这次由我来发更新，照片是 {handle} 拍的。",),
    ),
    "staff": (
        ("Thanks to {handle} for making time for us.",),
        ("谢谢 {handle} 抽时间和我们见面。",),
    ),
    "helper": (
        (
            "Special thanks to {handle}, whose comments made this idea better.",
            "And a special thank-you to {handle} for the comments that shaped this idea.",
        ),
        (
            "特别感谢 {handle}，你的评论让这个点子变得更好。",
            "还要特别谢谢 {handle}，这个点子有一部分是你的评论塑造出来的。",
        ),
    ),
    "question": (
        ("{handle} asked the right question in the comments, and this update is my answer.",),
        ("{handle} 在评论里问到了关键问题，这次更新就是我的回答。",),
    ),
    "suggestion": (
        ("Thanks to {handle} for the suggestion in the comments; it is in this version.",),
        ("感谢 {handle} 在评论里的建议，这一版已经加上了。",),
    ),
    "concern": (
        ("{handle}'s worry in the comments was fair, so I tested exactly that.",),
        ("{handle} 在评论里的担心很有道理，所以我专门测试了这一点。",),
    ),
    "agreement": (
        ("Thanks to {handle} and everyone who shared their own story in the comments.",),
        ("谢谢 {handle} 和所有在评论里分享自己经历的朋友。",),
    ),
}

# Comments on updates: (a supporter's comment, the author's reply, an official answer),
# "" where nobody would answer. "kind:part" adds comments that only fit parts.
UPDATE_TALK: dict[
    str, tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]]
] = {
    "progress": (
        (
            (
                "Looks much better than I expected from a first try!",
                "Thanks! The next one will be neater.",
                "",
            ),
            ("How long did all this take you?", "Two evenings and a lot of coffee.", ""),
            (
                "Great photos. Has anyone from Nimbus seen this?",
                "Not yet, as far as I know.",
                "We have, and the team liked the photos. Keep them coming.",
            ),
        ),
        (
            ("比我想象中第一次尝试的效果好多了！", "谢谢！下一版会更利落。", ""),
            ("做这些花了多长时间？", "两个晚上，外加好几杯咖啡。", ""),
            (
                "照片很棒。Nimbus 的人看到了吗？",
                "据我所知还没有。",
                "看到了，团队很喜欢这些照片，请继续分享。",
            ),
        ),
    ),
    "progress:part": (
        (
            (
                "Could you share the measurements? I would like to try this on my bike.",
                "Sure, I will add them to the description this weekend.",
                "",
            ),
        ),
        (("能分享一下尺寸吗？我也想在自己车上试试。", "没问题，这个周末补到描述里。", ""),),
    ),
    "thanks": (
        (
            ("Congratulations, well deserved!", "", ""),
            ("Just shared it with my riding club.", "Thank you, that helps a lot!", ""),
            ("Supported it on day one, glad to see it climb.", "", ""),
            (
                "What happens once enough people support it?",
                "The team reviews it and answers in public, with a reason.",
                "Speaking for Nimbus: every idea that makes it gets a public answer, with the reason.",
            ),
        ),
        (
            ("恭喜，实至名归！", "", ""),
            ("刚转发到我们骑行俱乐部的群里了。", "谢谢，帮了大忙！", ""),
            ("第一天就支持了，看着它一路涨上来很开心。", "", ""),
            (
                "支持够了以后会怎么样？",
                "团队会评审，并公开回复理由。",
                "官方补充一下：每个达标的点子我们都会公开回复，并说明理由。",
            ),
        ),
    ),
    "meeting": (
        (
            (
                "Great that they listen. Did they say anything about price?",
                "Not yet: test first, then price.",
                "Speaking for Nimbus: we talk about price once the tests are done, and we "
                "publish how it is made up.",
            ),
            ("Thanks for sharing this; good to see how it works behind the scenes.", "", ""),
            (
                "Did they say when we will know more?",
                "After the tests, so a few weeks.",
                "We will post the outcome on the idea page, good or bad, within the review window.",
            ),
        ),
        (
            (
                "他们愿意听，真好。提到价格了吗？",
                "还没有：先测试，再谈价格。",
                "官方说明一下：测试结束后再谈价格，价格构成也会公开。",
            ),
            ("谢谢分享，能看到幕后是怎么运作的真好。", "", ""),
            (
                "他们说什么时候会有进一步消息吗？",
                "测试完吧，大概几周。",
                "不管结果好坏，评审期内都会在点子页面公布。",
            ),
        ),
    ),
    "prototype": (
        (
            (
                "When can we sign up to test it?",
                "I asked the same thing! Watch this space.",
                "Sign-ups for the next Insiders round open next month; we will post the link here.",
            ),
            ("It looks so much neater than I imagined.", "", ""),
            (
                "Congratulations! From a comment thread to a prototype.",
                "Thanks! It still feels unreal.",
                "",
            ),
        ),
        (
            (
                "什么时候可以报名测试？",
                "我也问了同样的问题！请关注这里。",
                "下一轮内测团下个月开放报名，链接会发在这里。",
            ),
            ("比我想象的精致多了。", "", ""),
            ("恭喜！从一个评论串走到了原型。", "谢谢！到现在还觉得不真实。", ""),
        ),
    ),
    "prototype:part": (
        (
            (
                "Will the prototype fit older frames too?",
                "That is the plan, with an adapter.",
                "Yes: frames from 2020 on fit directly, older ones with an adapter.",
            ),
        ),
        (
            (
                "原型老车架也能装吗？",
                "计划是可以的，用转接件。",
                "可以：2020 年以后的车架直接装，更老的用转接件。",
            ),
        ),
    ),
    "samples": (
        (
            (
                "Can I be a tester? I ride every day, rain or shine.",
                "Apply for the Insiders round; that is how they pick.",
                "Testers are drawn by lot from the members who apply; the next round opens soon.",
            ),
            ("So close now! Thanks for keeping us posted.", "", ""),
            (
                "Any idea of the price yet?",
                "Not yet, but they promised to publish how it is made up.",
                "",
            ),
        ),
        (
            (
                "我能当测试者吗？我风雨无阻每天骑。",
                "报名内测团就行，他们是这样挑人的。",
                "测试者从报名的会员中抽签产生，下一轮很快开放。",
            ),
            ("快了！谢谢一直更新进度。", "", ""),
            ("价格有眉目了吗？", "还没有，但他们承诺会公开价格构成。", ""),
        ),
    ),
    "samples:part": (
        (
            (
                "Metal instead of plastic, good call.",
                "That was the team's idea, after the cobblestone test.",
                "",
            ),
        ),
        (("从塑料换成金属，这个决定好。", "这是团队在石板路测试后提出的。", ""),),
    ),
    "delivered": (
        (
            ("Tried it this morning: it works exactly as described.", "", ""),
            (
                "Will it come to the smaller cities too?",
                "I hope so! Maybe the team can answer.",
                "It is available everywhere from this month; smaller stores can order what they "
                "do not stock within a week.",
            ),
            ("Proud to have supported this one.", "And I am proud of this community.", ""),
            ("Congratulations! Proof that ideas here really get made.", "", ""),
        ),
        (
            ("今天早上试了，和描述的一模一样。", "", ""),
            (
                "小城市也会有吗？",
                "希望会！也许团队能回答一下。",
                "本月起各地都有，小门店没有现货的一周内可以调货。",
            ),
            ("很骄傲支持过这个点子。", "我也为这个社区骄傲。", ""),
            ("恭喜！证明了这里的点子真的会被做出来。", "", ""),
        ),
    ),
    "declined": (
        (
            ("A shame, but thanks for the honest update.", "", ""),
            (
                "Is there anything that would change the decision?",
                "A cheaper supplier, from what they told me.",
                "A supplier who can make it at a price riders accept. If we find one, we reopen "
                "the idea here.",
            ),
        ),
        (
            ("可惜了，不过谢谢你坦诚的更新。", "", ""),
            (
                "有什么情况能改变这个决定吗？",
                "据他们说，找到更便宜的供应商就有可能。",
                "如果能找到价格骑手能接受的供应商，我们会在这里重新讨论。",
            ),
        ),
    ),
    "declined:part": (
        (
            (
                "Count me in if you share the measurements.",
                "Will do; I will post them here this weekend.",
                "",
            ),
        ),
        (("如果你分享尺寸，算我一个。", "好的，这个周末发在这里。", ""),),
    ),
}
# Answers to a "question" update: A/B votes, or how people ride ("where").
UPDATE_VOTES = (
    (
        "A for me. {detail}",
        "B, definitely. {detail}",
        "A, as long as the price stays the same.",
        "B. I would pay a little more for it.",
    ),
    (
        "我选 A。{detail}",
        "肯定选 B。{detail}",
        "选 A，前提是价格不变。",
        "B，为这个多花一点钱也值得。",
    ),
)
UPDATE_WHERE = (
    (
        "Commuting, every day, {km} km each way. {detail}",
        "The school run, twice a day. {detail}",
        "Weekend rides, mostly long ones. {detail}",
    ),
    (
        "通勤，每天单程 {km} 公里。{detail}",
        "送孩子上学，一天两趟。{detail}",
        "主要是周末长途。{detail}",
    ),
)
UPDATE_VOTE_REPLIES = (
    (
        "Thanks! Noted.",
        "That is the most common answer so far.",
        "Good point; I had not thought of that.",
    ),
    ("谢谢！记下了。", "目前大多数人都是这么选的。", "好观点，我之前没想到。"),
)


def nature(theme_key: str, solution: Solution) -> str:
    """What the idea is: "part" (on the bike), "app" (in the Nimbus app), "place" (bike
    parking) or "service" (run in stores or by members)."""
    if "service" not in scopes(theme_key, solution):
        return "part"
    if "app" in solution.tags:
        return "app"
    return "place" if "parking" in solution.tags else "service"


def thing(solution: Solution, language: str) -> str:
    """The solution's name inside a sentence ("the full-length mudguards")."""
    if language == "zh-hans":
        return solution.zh
    name = solution.en
    return name if name[1:2].isupper() else name[0].lower() + name[1:]


def _pair(table: dict[str, tuple[Any, Any]], key: str, what: str, language: str) -> Any:
    """The entry for "kind:nature" (a place falls back on a service), else for "kind",
    in the language."""
    for candidate in (f"{key}:{what}", f"{key}:service" if what == "place" else ""):
        if candidate in table:
            return _in(language, *table[candidate])
    return _in(language, *table[key])


CJK_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u4e00-\u9fff])")


def spaced(text: str) -> str:
    """A space between Chinese characters and Latin words ("把 Nimbus App 降雨雷达")."""
    return CJK_LATIN.sub(" ", text)


def _lower_first(sentence: str) -> str:
    return sentence if sentence[1:2].isupper() else sentence[:1].lower() + sentence[1:]


def update(
    rng: random.Random,
    kind: str,
    *,
    theme_key: str,
    solution: Solution,
    language: str,
    used: set[str],
    mention: str = "",
    count: int = 0,
    next_step: int = 0,
    ladder: bool = True,
    staff: str = "",
    twists: Sequence[str] = (),
    own_twist: str = "",
    days: int = 0,
) -> tuple[str, str]:
    """An update's title and Markdown body. `mention` is a key of UPDATE_MENTIONS (the
    sentence keeps {handle}); `twists` are the two options of a "question" update
    (none: it asks how people ride)."""
    theme = THEMES[theme_key]
    what = nature(theme_key, solution)
    en = language == "en"
    values: dict[str, Any] = {
        "thing": thing(solution, language),
        "km": rng.choice([6, 9, 12, 14, 17, 22, 35, 48]),
        "grams": rng.choice([180, 240, 290, 320, 380, 410]),
        "distance": rng.choice(["1,200", "1,500", "2,000"] if en else ["1200", "1500", "2000"]),
        "signups": rng.randint(12, 31),
        "count": count,
        "staff": staff,
        "handle": "{handle}",
    }
    key = kind if kind != "question" or twists else "question:where"
    title = _fresh(rng, _pair(UPDATE_TITLES, key, what, language), used).format(**values)
    details = list(_in(language, theme.details, theme.zh_details))
    benefits = list(_in(language, theme.benefits, theme.zh_benefits))
    parts: list[str] = []
    if key == "question:where":
        context = rng.choice(_in(language, CONTEXTS, ZH_CONTEXTS)).format(
            km=rng.choice([3, 5, 6, 8, 9, 12, 14]), years=rng.randint(2, 9)
        )
        parts.append(
            f"To write better success criteria for the {values['thing']}, I would like to know "
            "how you ride:\n\n- Where would you use it most: commuting, the school run or "
            "weekend rides?\n- What is the one thing it must get right?\n\n"
            f"My own answer first: {context} Short answers are fine!"
            if en
            else f"为了把{values['thing']}的成功标准写得更具体，想了解一下大家平时怎么骑：\n\n"
            "- 你最常在什么场景用它：通勤、接送孩子，还是周末骑行？\n- 它最不能马虎的是哪一点？\n\n"
            f"先说我自己：{context}简单回答就好！"
        )
    else:
        openings = [
            opening
            for opening in _pair(UPDATE_OPENINGS, kind, what, language)
            # "I hoped for ten supporters" reads oddly with exactly ten.
            if count > 10 or not ("ten supporters" in opening or "十个人" in opening)
        ]
        parts.append(_fresh(rng, openings, used).format(**values))
    photos = (
        [p for p in _pair(UPDATE_PHOTOS, kind, what, language) if p not in used]
        if (f"{kind}:{what}" in UPDATE_PHOTOS or f"{kind}:service" in UPDATE_PHOTOS)
        else []
    )
    if photos:
        chosen = rng.sample(photos, min(3, len(photos)))
        used.update(chosen)
        label = rng.choice(_in(language, *PHOTOS_LABELS))
        listed = "\n".join(f"{i}. {p.format(**values)}" for i, p in enumerate(chosen, 1))
        parts.append(f"{label}\n\n{listed}")
    if kind == "progress":
        notes = rng.sample(details, 2)
        head = "Notes for the next version:" if en else "下一版要注意："
        parts.append(f"{head}\n\n- {notes[0]}\n- {notes[1]}")
    elif kind == "question" and twists:
        a, b = TWISTS[twists[0]], TWISTS[twists[1]]
        parts.append(
            f"- **A, {a.en}:** {a.en_text}\n- **B, {b.en}:** {b.en_text}"
            if en
            else f"- **A，{a.zh}版本：** {a.zh_text}\n- **B，{b.zh}版本：** {b.zh_text}"
        )
    elif kind == "thanks":
        benefit = _fresh(rng, benefits, used)
        parts.append(
            f"What many of you wrote, in one line: {_lower_first(benefit)}"
            if en
            else f"大家说得最多的一句话：{benefit}"
        )
        if days:
            parts.append(
                f"It took {days} days to get here." if en else f"走到这一步用了 {days} 天。"
            )
        if not ladder:
            parts.append(
                "The jury looks at the most supported ideas when the support phase ends, so "
                "please keep sharing it."
                if en
                else "支持阶段结束后，评审团会看支持最多的点子，请继续帮忙转发。"
            )
        elif next_step:
            parts.append(
                f"Next stop on the ladder: {next_step} supporters."
                if en
                else f"支持阶梯的下一站：{next_step} 位支持者。"
            )
        else:
            parts.append(
                "That is the top of the ladder, so it is now the team's turn."
                if en
                else "已经到了支持阶梯的顶端，接下来轮到团队了。"
            )
    elif kind == "meeting":
        learned = rng.sample(_in(language, *UPDATE_LEARNED.get(what, UPDATE_LEARNED["service"])), 2)
        detail = _fresh(rng, details, used)
        head = "What I learned:" if en else "我了解到的："
        open_question = (
            f"Their biggest open point is one some of you raised too: “{detail}”"
            if en
            else f"他们最关心的一点，正是不少人在评论里提过的：“{detail}”"
        )
        parts.append(f"{head}\n\n- {learned[0]}\n- {learned[1]}\n- {open_question}")
    elif kind == "prototype" and own_twist:
        twist = TWISTS[own_twist]
        parts.append(
            f"And yes, they kept the part many of you liked most: “{twist.en_text}”"
            if en
            else f"大家最喜欢的那一点他们也保留了：“{twist.zh_text}”"
        )
    elif kind == "delivered":
        photo = {
            "part": (
                f"The photo shows my bike with the production version, next to the "
                f"{values['grams']} g mock-up I started with.",
                f"照片里是装了量产版的我的车，旁边是我最初做的那个 {values['grams']} 克的样品。",
            ),
            "app": (
                "The screenshot is from this morning's ride: it did exactly what it should.",
                "截图是今天早上骑车时截的：和预想的一模一样。",
            ),
            "place": (
                "The photo is from the first stormy evening: every space taken.",
                "照片是开放后第一个暴雨的晚上拍的：车位全满。",
            ),
            "service": (
                "The photo is from the first open date: a full room.",
                "照片是第一次正式开放那天拍的：座无虚席。",
            ),
        }[what]
        sep = " " if en else ""
        parts.append(f"{_in(language, *photo)}{sep}{_fresh(rng, benefits, used)}")
        parts.append(
            f"Thank you to all {count} supporters, and to everyone who argued about the details "
            "in the comments."
            if en
            else f"谢谢全部 {count} 位支持者，也谢谢每一位在评论里较真讨论细节的人。"
        )
    elif kind == "declined":
        parts.append(
            (
                "I will keep riding my own version. If you want to build one too, ask in the "
                "comments and I will share the measurements."
                if what == "part"
                else "I still think we need it, so I will keep the idea alive here until "
                "something changes."
            )
            if en
            else (
                "我会继续骑我自己做的版本。想自己动手做的，可以在评论里问我，我把尺寸发给你。"
                if what == "part"
                else "我还是觉得大家需要它，在情况变化之前，我会在社区里继续推动。"
            )
        )
        parts.append(
            "If anything changes, you will read it here first."
            if en
            else "有任何变化，我会第一时间在这里说。"
        )
    if mention:
        parts.append(_fresh(rng, _in(language, *UPDATE_MENTIONS[mention]), used).format(**values))
    if key in UPDATE_CLOSINGS:
        parts.append(_fresh(rng, _in(language, *UPDATE_CLOSINGS[key]), used))
    body = "\n\n".join(parts)
    return (title, body) if en else (spaced(title), spaced(body))


def update_comment(
    rng: random.Random, kind: str, what: str, language: str, used: set[str]
) -> tuple[str, str, str]:
    """A supporter's comment on an update, the author's reply and an official answer
    ("" when nobody would answer)."""
    options = list(_in(language, *UPDATE_TALK[kind]))
    if f"{kind}:{what}" in UPDATE_TALK:
        options += _in(language, *UPDATE_TALK[f"{kind}:{what}"])
    return _fresh(rng, options, used, key=lambda option: option[0])


def vote(rng: random.Random, theme: Theme, language: str, used: set[str], *, where: bool) -> str:
    """An answer to a "question" update."""
    detail = _fresh(rng, _in(language, theme.details, theme.zh_details), used)
    options = _in(language, *(UPDATE_WHERE if where else UPDATE_VOTES))
    km = rng.choice([4, 7, 9, 12, 16, 21])
    return _fresh(rng, options, used).format(detail=detail, km=km)


def vote_reply(rng: random.Random, language: str, used: set[str]) -> str:
    return _fresh(rng, _in(language, *UPDATE_VOTE_REPLIES), used)


# --- conversations (cocreate/consensus) ------------------------------------------------------
# Each statement says how each camp of riders tends to feel about it, from 2 (agree) to -2
# (disagree), in the order of CAMPS: "tech" (e-assist, apps and gadgets), "simple"
# (repairable, cheap, nothing to charge) and "family" (children, cargo, sturdiness). The demo
# turns this into votes with some noise, so the report finds the camps as opinion groups and
# the statements all of them agree on as common ground.

CAMPS = ("tech", "simple", "family")
Stance = tuple[float, float, float]


@dataclass(frozen=True)
class Said:
    """A member's statement in a conversation: who adds it and when (days from now), how
    each camp feels about it, and what the moderators make of it: "accepted", "rejected"
    (off-topic), "meta" (about the process: voted on, left out of the groups) or
    "pending" (nobody has looked at it yet)."""

    author: str
    day: float
    text: str
    stance: Stance
    fate: str = "accepted"


NEXT_BIKE = {
    "title": "What should the next Nimbus city bike get right?",
    "description": """We are sketching the next **Nimbus City**, and before anything is drawn
we want to know where you stand. Vote on each statement – agree, disagree or pass – and add
your own if something is missing. A moderator checks members' statements before they appear.

The report shows groups of riders who vote alike and what every group agrees on. It goes to
the design team together with the idea box's most supported ideas.""",
}
NEXT_BIKE_STATEMENTS: list[tuple[str, Stance]] = [
    ("E-assist should come as standard on the next city bike, not as an extra.", (2, -2, 1)),
    ("I would rather pay less for a bike with no electronics at all.", (-2, 2, -1)),
    ("Every part that wears out should be replaceable at home with standard tools.", (0, 2, 0)),
    (
        "Nimbus should sell spare parts and publish repair guides for at least ten years "
        "after a model comes out.",
        (1, 2, 2),
    ),
    ("Lights should be built in and powered by a hub dynamo.", (1, 1, 2)),
    ("Full mudguards and a chain guard belong on every model.", (1, 2, 2)),
    (
        "A companion app (lock, ride stats, theft alerts) would make me more likely to buy "
        "a Nimbus.",
        (2, -2, -1),
    ),
    ("A rack strong enough for a child seat matters more to me than a low weight.", (-1, 0, 2)),
    ("The next model should weigh under 16 kg, even if that makes it dearer.", (2, 0, -2)),
    ("A belt drive is worth the extra cost over a chain.", (2, -2, 1)),
    ("Built-in GPS tracking is worth a small yearly subscription.", (1, -2, -2)),
    (
        "Nimbus should make a longtail version of the city bike instead of a separate cargo bike.",
        (-1, 0, 2),
    ),
    ("I would buy a refurbished Nimbus with a full warranty if it cost a third less.", (-1, 2, 0)),
    ("Frame sizes should fit riders from 150 cm to 200 cm tall.", (1, 1, 2)),
    ("Batteries should follow an open standard, so that other brands' batteries fit.", (0, 1, 1)),
    ("Safety parts such as brakes and lights should never be paid extras.", (2, 2, 2)),
]
NEXT_BIKE_SAID = [
    Said(
        "Henrik Solberg",
        -19.3,
        "The frame should take studded winter tyres up to 50 mm wide.",
        (0, 1, 1),
    ),
    Said(
        "Nadia Petrova",
        -16.8,
        "A double kickstand that holds a loaded bike upright should be standard.",
        (0, 1, 2),
    ),
    Said(
        "Daniel Weiss",
        -13.6,
        "The e-assist should be removable, so that the bike still works as an ordinary bike.",
        (1, 2, 1),
    ),
    Said(
        "Owen Gallagher",
        -11.2,
        "Brakes and gears should be standard parts that any bike shop can service.",
        (-1, 2, 1),
    ),
    Said(
        "Mateo Rossi",
        -9.4,
        "Anyone selling a used Nimbus in size M? Send me a message!",
        (0, 0, 0),
        "rejected",
    ),
    Said(
        "Ines Castillo",
        -7.1,
        "Please share this report with the design team before the spring prototypes are built.",
        (1, 1, 1),
        "meta",
    ),
    Said(
        "Arjun Mehta",
        -0.4,
        "A frame lock that blocks the rear wheel should come with every bike.",
        (1, 1, 1),
        "pending",
    ),
]

RAIN_TALK = {
    "title": "雨天通勤：先把哪件事做好？",
    # One line per paragraph: a line break inside Chinese text would show as a space.
    "description": """“雨天通勤”挑战正在征集点子。提交点子之前，先来投几票吧：下面每一句话，你同意、不同意，还是说不准？觉得少了什么，也可以补充你自己的观点。

投票结果会把看法相近的骑友分成几组，也会找出大家都认同的地方，帮助评审团决定先做什么。好的点子，别忘了到挑战页面正式提交。""",
}
RAIN_TALK_STATEMENTS: list[tuple[str, Stance]] = [
    ("全包挡泥板应该是每款车的标配。", (2, 2, 2)),
    ("新车型应该全部换成碟刹，雨天刹车距离太长了。", (2, -1, 1)),
    ("我宁愿整车贵一点，也希望出厂就能防雨，不想再自己买一堆配件。", (2, -2, 1)),
    ("防雨配件单独卖就好，不要因此抬高整车的价格。", (-1, 2, 0)),
    ("内变速加全封闭链罩值得多花钱，雨天链条就不会生锈。", (2, -1, 1)),
    ("雨夜里，车灯和反光条比平时更重要。", (2, 2, 2)),
    ("雨季里门店应该提供免费的防锈检查。", (0, 2, 1)),
    ("电助力车的电池和接口必须能放心地在大雨里用。", (2, -1, 1)),
    ("与其在车上下功夫，不如推动公司和小区多建有顶棚的停车处。", (-1, 1, 2)),
    ("下大雨我宁可坐地铁，没必要为了雨天专门改车。", (-2, 1, -1)),
    ("雨天带孩子骑车，最需要的是儿童座椅的防雨罩。", (0, 0, 2)),
    ("把骑友们的雨天经验整理成一份指南，和改进车本身一样有用。", (-1, 1, 1)),
    ("防滑轮胎应该是标配，哪怕骑起来慢一点。", (1, 0, 2)),
    ("座垫淋湿虽是小事，天天遇到也很烦，希望有快拆的防水座套。", (1, 1, 1)),
]
RAIN_TALK_SAID = [
    Said("彭静", -13.2, "后挡泥板要够长，别让泥水甩到背上。", (2, 2, 2)),
    Said("何志强", -11.5, "雨披下摆容易卷进车轮，车上最好有固定雨披的挂钩。", (1, 1, 1)),
    Said("罗斌", -9.1, "有没有人这周末一起去骑青海湖？", (0, 0, 0), "rejected"),
    Said(
        "黄子轩",
        -6.3,
        "希望挑战结束后，官方能公布每个点子被采纳或没被采纳的理由。",
        (1, 1, 1),
        "meta",
    ),
    Said("高雅", -4.2, "车筐最好配一个防水罩，雨天接孩子时书包不会淋湿。", (0, 1, 2)),
]

# The night challenge's shortlist as a conversation: its statements are the ideas' titles.
NIGHT_TALK_TITLE = "Night riding: which shortlisted ideas do you back? · 夜骑：你支持哪些入围点子？"
# How each camp feels about a kind of night idea (by the idea's solution): gadgets with
# a battery, passive parts that need no charging, and those in between.
NIGHT_STYLES: dict[str, str] = {
    "Rear light built into the seat post": "gadget",
    "Brake light that brightens as you slow down": "gadget",
    "Reflective frame paint": "passive",
    "Light strips along the down tube": "gadget",
    "Turn signals in the bar ends": "gadget",
    "Hub dynamo as standard": "passive",
    "Tyres with reflective sidewalls": "passive",
    "Front light with a cut-off beam": "both",
    "Battery gauge on the lights": "gadget",
    "Helmet light that pairs with the bike": "gadget",
    "Pedals with glowing edges": "both",
    "Automatic light sensor": "gadget",
    "Reflective stripes on rack and fenders": "passive",
    "Spoke lights powered by a magnet": "both",
}
NIGHT_STANCES: dict[str, Stance] = {
    "gadget": (1.8, -1.6, -0.6),
    "passive": (-0.6, 1.8, 1.4),
    "both": (0.9, 0.6, 0.9),
}
NIGHT_TALK_SAID = [
    Said(
        "Fatima Zahra Idrissi",
        -12.4,
        "Whatever is chosen must keep working when the battery is flat.",
        (1, 2, 2),
    ),
    Said("郑凯", -8.7, "车灯最好用 USB-C 充电，和手机共用一个充电器。", (2, -1, 0)),
]
